// The emulator's agent runtime, over the raw wire (docs/protocol.md §11.5): no SDK client.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { sampleFromSchema } from "../../src/testing/agents/schema_sample.ts";
import { API, AUTH, chatSubscribers, get, openStreams, post, setup, until } from "./_setup.ts";

type Json = Record<string, unknown>;
type Line = { event?: string; type?: string; data?: Json };

const WEATHER_CONFIG = {
  "core_app": { ref: "infsh/emulated-llm" },
  tools: [{
    name: "get_weather",
    "display_name": "get_weather",
    description: "",
    type: "client",
    client: {
      "input_schema": {
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
      },
    },
  }],
};

const INPUT = { role: "user", context: [], "system_prompt": "", "context_size": 0 };

/** Reads NDJSON lines from a stream body, one at a time. */
function lineReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(
    new TextDecoderStream() as unknown as ReadableWritablePair<
      string,
      Uint8Array
    >,
  ).getReader();
  let buffer = "";
  return {
    async next(): Promise<Line | undefined> {
      while (!buffer.includes("\n")) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += value;
      }
      const index = buffer.indexOf("\n");
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      return JSON.parse(line);
    },
    cancel: () => reader.cancel(),
  };
}

async function openChatStream(emulator: ReturnType<typeof setup>["emulator"], id: string) {
  const response = await emulator.fetch(`${API}/chats/${id}/stream`, {
    headers: { ...AUTH, accept: "application/x-ndjson" },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/x-ndjson");
  return lineReader(response.body!);
}

/** Calls `read` every millisecond until it returns something; fails after 5000 tries. */
async function poll<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 5_000; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error("nothing came");
}

/** The chat as `GET /chats/{id}` answers. */
async function chatOf(emulator: ReturnType<typeof setup>["emulator"], id: string): Promise<Json> {
  return (await get(emulator, `/chats/${id}`)).body.data as Json;
}

/** Starts a chat with a finished first turn; returns its id. */
async function idleChat(emulator: ReturnType<typeof setup>["emulator"]): Promise<string> {
  const created = await post(emulator, "/agents/run", {
    "chat_id": null,
    "agent_config": WEATHER_CONFIG,
    input: { ...INPUT, text: "Hello" },
  });
  assert.equal(created.status, 200);
  const id = ((created.body.data as Json)["user_message"] as Json)["chat_id"] as string;
  await poll(async () => (await chatOf(emulator, id)).status === "idle" || undefined);
  return id;
}

describe("emulator: POST /agents/run", () => {
  it("answers {user_message, assistant_message} with the chat already busy", async () => {
    using env = setup({ stepMs: 20 });
    const created = await post(env.emulator, "/agents/run", {
      "chat_id": null,
      agent: "my-org/assistant@abc123",
      input: { ...INPUT, text: "Hi" },
    });
    assert.equal(created.status, 200);
    const data = created.body.data as Json;
    const user = data["user_message"] as Json;
    const assistant = data["assistant_message"] as Json;
    assert.deepEqual([user.role, user.status, user.content], ["user", "ready", [{
      type: "text",
      error: null,
      text: "Hi",
      image: null,
      file: null,
      "tool_calls": null,
    }]]);
    assert.deepEqual([assistant.role, assistant.status, assistant.content], [
      "assistant",
      "pending",
      [],
    ]);
    assert.equal(assistant["chat_id"], user["chat_id"]);
    assert.ok((assistant.order as number) > (user.order as number));
    const chat = (await get(env.emulator, `/chats/${user["chat_id"]}`)).body.data as Json;
    assert.equal(chat.status, "busy");
    assert.ok(["submitted", "working"].includes((chat["active_run"] as Json).state as string));
    assert.deepEqual((chat["chat_messages"] as Json[]).map((m) => m.id), [user.id, assistant.id]);
    assert.deepEqual(chat["pending_interrupts"], []);
  });

  it("refuses what it cannot run, with a problem naming the field", async () => {
    using env = setup();
    const run = (body: Json) => post(env.emulator, "/agents/run", body);
    const input = { ...INPUT, text: "x" };
    const unknown = await run({ agent: "my-org/nope@v1", input });
    assert.deepEqual([unknown.status, unknown.body.code], [404, "AGENT_NOT_FOUND"]);
    const legacy = await run({
      "agent_config": { "core_app": { ref: "a/b" }, tools: [{ schema: { name: "t" } }] },
      input,
    });
    assert.deepEqual([legacy.status, legacy.body.field], [400, "agent_config.tools[0]"]);
    const both = await run({ agent: "my-org/assistant@abc123", "agent_config": {}, input });
    assert.deepEqual([both.status, both.body.field], [400, "agent"]);
    const neither = await run({ input });
    assert.deepEqual([neither.status, neither.body.field], [400, "agent"]);
    const noText = await run({ agent: "my-org/assistant@abc123", input: {} });
    assert.deepEqual([noText.status, noText.body.field], [400, "input.text"]);
    const noCore = await run({ "agent_config": { "core_app": "a/b" }, input });
    assert.deepEqual([noCore.status, noCore.body.field], [400, "agent_config.core_app"]);
    const noChat = await run({ "chat_id": "chat_9999", agent: "my-org/assistant@abc123", input });
    assert.deepEqual([noChat.status, noChat.body.code], [404, "CHAT_NOT_FOUND"]);
  });

  it("queues a message sent while a turn runs: no assistant message yet", async () => {
    using env = setup({ stepMs: 20 });
    const first = await post(env.emulator, "/agents/run", {
      agent: "my-org/assistant@abc123",
      input: { ...INPUT, text: "one" },
    });
    const chatId = ((first.body.data as Json)["user_message"] as Json)["chat_id"];
    const second = await post(env.emulator, "/agents/run", {
      "chat_id": chatId,
      agent: "my-org/assistant@abc123",
      input: { ...INPUT, text: "two" },
    });
    const data = second.body.data as Json;
    assert.equal((data["user_message"] as Json).status, "queued");
    assert.equal("assistant_message" in data, false);
  });
});

describe("emulator: chat stream", () => {
  it("publishes a turn with a client tool in the order of docs/protocol.md §7.4", async () => {
    using env = setup();
    const chatId = await idleChat(env.emulator);
    const stream = await openChatStream(env.emulator, chatId);
    const first = await stream.next();
    assert.equal(first?.event, "chats");
    assert.equal(first?.data?.status, "idle");
    assert.equal("chat_messages" in first!.data!, false);

    await post(env.emulator, "/agents/run", {
      "chat_id": chatId,
      "agent_config": WEATHER_CONFIG,
      input: { ...INPUT, text: "Weather in Paris?" },
    });
    const events: string[] = [];
    const seqs: number[] = [];
    let assistantId = "";
    for (let line = await stream.next(); line; line = await stream.next()) {
      if (line.type === "heartbeat") continue;
      const data = line.data!;
      let label = line.event!;
      if (line.event === "chats") label += `:${data.status}`;
      if (line.event === "agent_runs") label += `:${data.state}`;
      if (line.event === "chat_messages") {
        label += `:${data.role}:${data.status}`;
        const calls = data["tool_invocations"] as Json[] | undefined;
        if (calls?.length) label += `:tool ${calls[0]!.status}`;
        if (data.role === "assistant") assistantId = data.id as string;
      }
      if (line.event === "delta") {
        assert.equal(data["resource_id"], assistantId || data["resource_id"]);
        seqs.push(data.seq as number);
        if (events.at(-1) === "delta") continue;
      }
      events.push(label);
      if (label === "agent_runs:input_required") {
        const call = ((await get(env.emulator, `/chats/${chatId}`)).body.data as Json)[
          "chat_messages"
        ] as Json[];
        const invocation = (call.at(-1)!["tool_invocations"] as Json[])[0]!;
        assert.deepEqual(invocation.function, {
          name: "get_weather",
          arguments: { city: "Paris" },
        });
        assert.equal(invocation.type, "client");
        // A raw object body (the React helper's shape) is accepted and kept as JSON text.
        const answered = await post(env.emulator, `/tools/${invocation.id}`, { temp: 21 });
        assert.equal(answered.status, 200);
      }
      if (label === "chats:idle") break;
    }
    await stream.cancel();
    assert.deepEqual(events, [
      "chats:busy",
      "chat_messages:user:ready",
      "agent_runs:working",
      "delta",
      "chat_messages:assistant:pending",
      "chat_messages:assistant:pending:tool awaiting_input",
      "agent_runs:input_required",
      "chat_messages:assistant:pending:tool completed",
      "agent_runs:working",
      "delta",
      "chat_messages:assistant:ready:tool completed",
      "agent_runs:completed",
      "chats:idle",
    ]);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
    const chat = (await get(env.emulator, `/chats/${chatId}`)).body.data as Json;
    const final = (chat["chat_messages"] as Json[]).at(-1)!;
    assert.match(JSON.stringify(final.content), /returned: \{\\"temp\\":21\}/);
    await until(() => chatSubscribers(env.emulator) === 0);
  });

  it("replays the running turn's deltas to a stream that connects mid-turn", async () => {
    using env = setup({ stepMs: 5 });
    const created = await post(env.emulator, "/agents/run", {
      agent: "my-org/assistant@abc123",
      input: { ...INPUT, text: "a b c d e f g h" },
    });
    const assistant = (created.body.data as Json)["assistant_message"] as Json;
    const chatId = assistant["chat_id"] as string;
    // Once some deltas are out, connect.
    await poll(async () => {
      const last = ((await chatOf(env.emulator, chatId))["chat_messages"] as Json[]).at(-1)!;
      return JSON.stringify(last.content).includes("said") || undefined;
    });
    const stream = await openChatStream(env.emulator, assistant["chat_id"] as string);
    const lines: Line[] = [];
    for (let line = await stream.next(); line; line = await stream.next()) {
      lines.push(line);
      if (line.event === "chats" && line.data?.status === "idle") break;
    }
    await stream.cancel();
    const deltas = lines.filter((l) => l.event === "delta").map((l) => l.data!);
    assert.deepEqual(deltas.map((d) => d.seq), deltas.map((_, i) => i + 1));
    assert.equal(
      deltas.map((d) => (d.delta as Json).response).join(""),
      "You said: a b c d e f g h",
    );
  });

  it("speaks SSE when asked", async () => {
    using env = setup();
    const chatId = await idleChat(env.emulator);
    const response = await env.emulator.fetch(`${API}/chats/${chatId}/stream`, {
      headers: { ...AUTH, accept: "text/event-stream" },
    });
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const reader = response.body!.pipeThrough(
      new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>,
    ).getReader();
    const { value } = await reader.read();
    assert.match(value!, /^event: chats\ndata: \{/);
    await reader.cancel();
  });

  it("ends chat streams on reset() and close()", async () => {
    using env = setup();
    const chatId = await idleChat(env.emulator);
    const stream = await openChatStream(env.emulator, chatId);
    await stream.next();
    env.emulator.reset();
    assert.equal(await stream.next(), undefined);
    assert.equal(openStreams(env.emulator), 0);
    assert.equal((await get(env.emulator, `/chats/${chatId}`)).status, 404);
  });
});

describe("emulator: tools, status, stop", () => {
  it("answers POST /tools/{id}: 404 for unknown ids, 409 once answered", async () => {
    using env = setup();
    const missing = await post(env.emulator, "/tools/tinv_9999", { result: "x" });
    assert.deepEqual([missing.status, missing.body.code], [404, "TOOL_INVOCATION_NOT_FOUND"]);
    const chatId = await idleChat(env.emulator);
    await post(env.emulator, "/agents/run", {
      "chat_id": chatId,
      "agent_config": WEATHER_CONFIG,
      input: { ...INPUT, text: "Weather in Rome?" },
    });
    const id = await poll(async () => {
      const last = ((await chatOf(env.emulator, chatId))["chat_messages"] as Json[]).at(-1)!;
      return (last["tool_invocations"] as Json[] | undefined)?.[0]?.id as string | undefined;
    });
    assert.equal((await post(env.emulator, `/tools/${id}`, { result: "sunny" })).status, 200);
    assert.equal((await post(env.emulator, `/tools/${id}`, { result: "again" })).status, 409);
  });

  it("reports the chat status and stops a running turn", async () => {
    using env = setup({ stepMs: 20 });
    const created = await post(env.emulator, "/agents/run", {
      agent: "my-org/assistant@abc123",
      input: { ...INPUT, text: "a long message to answer" },
    });
    const assistant = (created.body.data as Json)["assistant_message"] as Json;
    const chatId = assistant["chat_id"] as string;
    const status = (await get(env.emulator, `/chats/${chatId}/status`)).body.data as Json;
    assert.deepEqual(Object.keys(status).sort(), ["id", "status", "updated_at"]);
    assert.equal(status.status, "busy");
    assert.equal((await post(env.emulator, `/chats/${chatId}/stop`, "")).status, 200);
    const chat = (await get(env.emulator, `/chats/${chatId}`)).body.data as Json;
    assert.equal(chat.status, "idle");
    assert.equal((chat["active_run"] as Json).state, "canceled");
    assert.equal((chat["chat_messages"] as Json[]).at(-1)!.status, "cancelled");
    assert.equal((await post(env.emulator, `/chats/${chatId}/stop`, "")).status, 200, "idempotent");
    assert.equal((await post(env.emulator, "/chats/chat_9999/stop", "")).status, 404);
  });
});

describe("emulator: output derived from the schema", () => {
  const schemas = {
    flat: z.object({ s: z.string(), n: z.number(), i: z.number().int(), b: z.boolean() }),
    enums: z.object({ mood: z.enum(["happy", "sad"]), fixed: z.literal("x") }),
    nested: z.object({ a: z.object({ b: z.object({ c: z.array(z.number().int().min(3)) }) }) }),
    bounds: z.object({
      p: z.number().min(0).max(0.5),
      q: z.number().int().gt(10),
      s: z.string().min(20).max(25),
      t: z.array(z.string()).min(2).max(3),
    }),
    formats: z.object({ e: z.email(), u: z.url(), d: z.iso.datetime(), id: z.uuid() }),
    optional: z.object({ o: z.string().optional(), n: z.number().nullable() }),
    unions: z.object({ u: z.union([z.string(), z.number()]) }),
  };
  for (const [name, schema] of Object.entries(schemas)) {
    it(`produces a value the ${name} schema accepts`, () => {
      const json = schema["~standard"].jsonSchema.input({ target: "draft-07" });
      const value = sampleFromSchema(json);
      const parsed = schema.safeParse(value);
      assert.ok(
        parsed.success,
        `${JSON.stringify(value)}: ${JSON.stringify(parsed.error?.issues)}`,
      );
    });
  }

  it("fills properties from hints when their type fits", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        celsius: { type: "number" },
        mood: { enum: ["a", "b"] },
      },
    };
    assert.deepEqual(sampleFromSchema(schema, { city: "Oslo", celsius: "warm", mood: "b" }), {
      city: "Oslo",
      celsius: 1,
      mood: "b",
    });
  });
});
