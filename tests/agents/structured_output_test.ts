import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { type AgentReply, OutputValidationError, tool } from "../../mod.ts";
import { calls, setup } from "./_setup.ts";

const analysis = z.object({
  summary: z.string(),
  sentiment: z.enum(["positive", "negative", "neutral"]),
  confidence: z.number().min(0).max(1),
});

describe("structured output", () => {
  it("is parsed by the Standard Schema and typed", async () => {
    using env = setup();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      outputSchema: analysis,
      internalTools: { finish: true },
    });
    const reply = await agent.sendMessage("Analyze: Great product!");
    const sentiment: "positive" | "negative" | "neutral" = reply.output.sentiment;
    const confidence: number = reply.output.confidence;
    // @ts-expect-error not part of the schema
    reply.output.score;
    assert.equal(sentiment, "positive");
    assert.ok(confidence >= 0 && confidence <= 1);
    assert.equal(reply.output.summary, "Summary: Analyze: Great product!");
    assert.deepEqual(reply.chat.output, reply.output);
  });

  it("is the schema's output, transforms applied", async () => {
    using env = setup();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      "output_schema": z.object({ summary: z.string().transform((s) => s.length) }),
    });
    const reply = await agent.sendMessage("Short");
    const length: number = reply.output.summary;
    assert.equal(length, "Summary: Short".length);
  });

  it("rejects with OutputValidationError when the output does not match", async () => {
    using env = setup();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      // The model sees only the JSON Schema (a number); the refinement refuses its answer.
      outputSchema: z.object({ score: z.number().refine((n) => n > 5, "too low") }),
    });
    await assert.rejects(agent.sendMessage("Rate this"), (error: unknown) => {
      assert.ok(error instanceof OutputValidationError);
      assert.equal(error.code, "invalid_output");
      assert.deepEqual(error.output, { score: 1 });
      assert.deepEqual(error.issues.map((issue) => [issue.path, issue.message]), [[
        ["score"],
        "too low",
      ]]);
      assert.match(error.message, /score: too low/);
      return true;
    });
  });

  it("comes from the tool's result when the model used a tool", async () => {
    using env = setup();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [
        tool("get_weather")
          .params(z.object({ city: z.string() }))
          .handler(({ city }) => ({ city, celsius: 21 }))
          .build(),
      ],
      outputSchema: z.object({ city: z.string(), celsius: z.number() }),
    });
    const reply: AgentReply<{ city: string; celsius: number }> = await agent.sendMessage(
      "What is the weather in Paris?",
    );
    assert.deepEqual(reply.output, { city: "Paris", celsius: 21 });
  });

  it("is the chat's output as sent with a plain JSON Schema, or from a template", async () => {
    using env = setup();
    const plain = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      outputSchema: {
        type: "object",
        properties: { tags: { type: "array", items: { type: "string" } }, ok: { type: "boolean" } },
        required: ["tags", "ok"],
      },
    });
    const reply = await plain.sendMessage("Tag this");
    const output: unknown = reply.output;
    assert.deepEqual(output, { tags: ["emulated tags"], ok: true });

    const template = env.client.agents.create("my-org/analyst@v2");
    const analysed = await template.sendMessage("This is terrible");
    assert.deepEqual(analysed.output, {
      summary: "Summary: This is terrible",
      sentiment: "negative",
      confidence: 1,
    });
  });

  it("is undefined without an output schema, and read without an extra request", async () => {
    using env = setup();
    const agent = env.client.agents.create({ coreApp: "infsh/emulated-llm" });
    const reply = await agent.sendMessage("Hello");
    assert.equal(reply.output, undefined);
    assert.equal(calls(env.emulator).filter((c) => c === `GET /chats/${reply.chatId}`).length, 1);
  });
});
