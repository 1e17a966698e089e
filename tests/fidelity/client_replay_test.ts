// Our client against answers shaped like the live API's: the fixtures replayed through a fake
// fetch, and the emulator's answers rewritten the way other servers (or older API versions) word
// them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";
import type { ToolCall } from "../../src/types.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { DEFAULT_MAX_LINE_BYTES, NdjsonValueDecoder } from "../../src/streaming/values.ts";
import { streamOf } from "../_helpers.ts";
import {
  AGENT_RUN_STREAM,
  SESSION_ID,
  SESSION_TASK,
  SESSION_TASK_STREAM,
  ULID,
} from "./fixtures.ts";
import { type Json, WEATHER_AGENT } from "./_wire.ts";

const KEY = "inf_fidelity_key_0123456789";

/** A fetch that answers from the fixtures: the session task, then its stream. */
function fixtureFetch(seen: string[]): typeof fetch {
  return (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    seen.push(`${request.method} ${pathname}`);
    if (request.method === "POST" && pathname === "/apps/run") {
      return Promise.resolve(Response.json({ data: SESSION_TASK, messages: [] }));
    }
    if (pathname === `/tasks/${SESSION_TASK.id}/stream`) {
      return Promise.resolve(
        new Response(SESSION_TASK_STREAM, { headers: { "content-type": "application/x-ndjson" } }),
      );
    }
    if (pathname === `/tasks/${SESSION_TASK.id}`) {
      const ended = { ...SESSION_TASK, status: 10, output: { count: 1 } };
      return Promise.resolve(Response.json({ data: ended, messages: [] }));
    }
    return Promise.resolve(Response.json({ status: 404 }, { status: 404 }));
  };
}

describe("our client and the live API's shapes", () => {
  it("learns the session of a session task from a stream whose lines all carry session_id", async () => {
    const seen: string[] = [];
    const client = inference({ apiKey: KEY, fetch: fixtureFetch(seen) });
    const result = await client.tasks.run({ app: "infsh/counter", input: {}, session: "new" });
    assert.equal(result.status, 10);
    assert.equal(result.session_id, SESSION_ID);
    assert.deepEqual(result.output, { count: 1 });
    assert.ok(seen.includes(`GET /tasks/${SESSION_TASK.id}/stream`), String(seen));
  });

  it("decodes the streamed agent run's lines wherever the network cuts them", () => {
    const bytes = new TextEncoder().encode(AGENT_RUN_STREAM);
    for (const cut of [1, 7, 64, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += cut) chunks.push(bytes.slice(at, at + cut));
      const decoded: Json[] = [];
      const decoder = new NdjsonValueDecoder(DEFAULT_MAX_LINE_BYTES, "follow chat");
      for (const piece of chunks) decoder.push(piece, decoded);
      decoder.end(decoded);
      const snapshots = decoded.filter((line) => !("type" in line) && !("event" in line));
      assert.equal(decoded.length, 6, `cut every ${cut} bytes`);
      assert.deepEqual(snapshots.map((s) => s.status), ["pending", "pending", "pending", "ready"]);
      for (const snapshot of snapshots) assert.match(String(snapshot.id), ULID);
    }
  });

  for (const status of ["awaiting_input", "in_progress"]) {
    it(`dispatches a client tool whose invocation is ${status}, once`, async () => {
      const emulator = createEmulator({ stepMs: 1, heartbeatMs: 5 });
      try {
        // The emulator says awaiting_input (like the live API); rewrite it for the other case.
        const fetch = status === "awaiting_input"
          ? emulator.fetch
          : rewriting(emulator.fetch, `"status":"awaiting_input"`, `"status":"${status}"`);
        const client = inference({ apiKey: KEY, fetch });
        const agent = client.agents.create(WEATHER_AGENT as never);
        const calls: ToolCall[] = [];
        const reply = await agent.sendMessage("What is the weather in Quito?", {
          onToolCall: async (call) => {
            calls.push(call);
            await client.agents.submitToolResult(call.id, "15°C and cloudy");
          },
        });
        assert.deepEqual(calls.map((call) => [call.name, call.args]), [
          ["get_weather", { city: "Quito" }],
        ]);
        assert.match(calls[0]!.id, ULID);
        assert.ok(reply.text.includes("15°C and cloudy"), reply.text);
      } finally {
        emulator.close();
      }
    });
  }

  it("retries a 429 that carries only the rate-limit headers, after the reset", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const client = inference({ apiKey: KEY, fetch: emulator.fetch });
      // The window resets within the current second: the wait stays short.
      emulator.faults.rateLimitNext({ resetAfter: 0, path: "/tasks/", method: "GET" });
      const created = await client.tasks.run({ app: "infsh/echo", input: {} }, { wait: false });
      const task = await client.tasks.get(created.id);
      assert.equal(task.id, created.id);
      const reads = emulator.requests.filter((r) => r.path === `/tasks/${created.id}`);
      assert.equal(reads.length, 2, "refused once, then answered");
    } finally {
      emulator.close();
    }
  });

  it("hands the envelope's notices to onMessage", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const seen: unknown[] = [];
      const client = inference({
        apiKey: KEY,
        fetch: emulator.fetch,
        onMessage: (messages) => seen.push(...messages),
      });
      const notice = { level: "warning", code: "deprecated", message: "infra=cloud is going away" };
      emulator.faults.noticeNext(notice, { path: "/apps/run" });
      const task = await client.tasks.run({ app: "infsh/echo", input: { a: 1 } });
      assert.equal(task.status, 10);
      assert.deepEqual(seen, [notice]);
    } finally {
      emulator.close();
    }
  });

  it("reports the stored size of a stream uploaded without a size", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const client = inference({ apiKey: KEY, fetch: emulator.fetch });
      const bytes = new TextEncoder().encode("abc");
      const file = await client.files.upload(streamOf([bytes]), { filename: "s.txt" });
      assert.equal(file.size, 3);
      assert.ok(new URL(file.uri).hostname.endsWith(".invalid"), file.uri);
    } finally {
      emulator.close();
    }
  });
});

/** A fetch whose response bodies have `from` replaced by `to` (chunk by chunk). */
function rewriting(inner: typeof fetch, from: string, to: string): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await inner(input, init);
    if (!response.body) return response;
    const body = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(
        new TransformStream<string, string>({
          transform: (chunk, controller) => controller.enqueue(chunk.replaceAll(from, to)),
        }),
      )
      .pipeThrough(new TextEncoderStream());
    return new Response(body, { status: response.status, headers: response.headers });
  };
}
