import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference, string, verifyWebhookSignature, WebhookError, webhookTool } from "../../mod.ts";
import { createEmulator, type EmulatorOptions } from "../../src/testing/mod.ts";

const SECRET = "whsec_emulated";

/** A webhook-tool receiver that verifies the signature and answers with the city it got. */
function receiver(secret: string) {
  const seen: { signature: string | null; body: unknown; refused?: string }[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const signature = request.headers.get("x-webhook-signature");
    try {
      const body = await verifyWebhookSignature<{ city: string }>(request, secret);
      seen.push({ signature, body });
      return Response.json({ city: body.city, celsius: 19 });
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      seen.push({ signature, body: undefined, refused: error.reason });
      return new Response(error.message, { status: 401 });
    }
  };
  return { seen, fetch };
}

function agentWith(options: EmulatorOptions, secret: string | undefined) {
  const emulator = createEmulator({ stepMs: 1, heartbeatMs: 5, ...options });
  const client = inference({ apiKey: "inf_test", fetch: emulator.fetch });
  let builder = webhookTool("get_weather", "https://hooks.example.com/weather")
    .description("Get current weather")
    .params({ city: string("City name") });
  if (secret !== undefined) builder = builder.secret(secret);
  const agent = client.agents.create({ coreApp: "infsh/emulated-llm", tools: [builder.build()] });
  return { emulator, agent, [Symbol.dispose]: () => emulator.close() };
}

describe("signed webhook tools through the emulator", () => {
  it("calls the tool with X-Webhook-Signature that verifyWebhookSignature accepts", async () => {
    const hook = receiver(SECRET);
    using env = agentWith(
      { webhookFetch: hook.fetch, secrets: { HOOK_SECRET: SECRET } },
      "HOOK_SECRET",
    );
    const reply = await env.agent.sendMessage("What is the weather in Paris?");
    assert.equal(hook.seen.length, 1);
    assert.match(hook.seen[0]!.signature ?? "", /^sha256=[0-9a-f]{64}$/);
    assert.deepEqual(hook.seen[0]!.body, { city: "Paris" });
    assert.match(reply.text, /The get_weather tool returned: \{"city":"Paris","celsius":19\}/);
    const messages = (await env.agent.getChat())!.chat_messages!;
    const invocation = messages.at(-1)!.tool_invocations![0]!;
    assert.equal(invocation.type, "hook");
    assert.equal(invocation.status, "completed");
  });

  it("a receiver with another secret refuses the call, and the tool fails", async () => {
    const hook = receiver("not-the-secret");
    using env = agentWith(
      { webhookFetch: hook.fetch, secrets: { HOOK_SECRET: SECRET } },
      "HOOK_SECRET",
    );
    const reply = await env.agent.sendMessage("What is the weather in Paris?");
    assert.equal(hook.seen[0]!.refused, "wrong_signature");
    assert.match(reply.text, /error: webhook answered 401/);
    const invocation = (await env.agent.getChat())!.chat_messages!.at(-1)!.tool_invocations![0]!;
    assert.equal(invocation.status, "failed");
  });

  it("a tool without a secret is called unsigned", async () => {
    const hook = receiver(SECRET);
    using env = agentWith({ webhookFetch: hook.fetch }, undefined);
    await env.agent.sendMessage("What is the weather in Paris?");
    assert.equal(hook.seen[0]!.signature, null);
    assert.equal(hook.seen[0]!.refused, "missing_signature");
  });
});
