// The follow engine against hostile chat streams: the emulator runs the agent,
// and a wrapper around its fetch answers the chat stream the hostile way.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";
import type { ChatDelta } from "../../src/types.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { FAIL_SAFE_MS } from "../_loopback.ts";

const KEY = "inf_test_key_0123456789";
const encoder = new TextEncoder();

/** A body of heartbeats, one every few ms, until `signal` aborts. */
function heartbeats(signal: AbortSignal): Response {
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (signal.aborted) return controller.close();
      controller.enqueue(encoder.encode(`{"type":"heartbeat"}\n`));
    },
  }, { highWaterMark: 0 });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson" } });
}

function isChatStream(input: RequestInfo | URL): boolean {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return /^\/chats\/[^/]+\/stream$/.test(url.pathname);
}

describe("following a chat against hostile streams", () => {
  it("ends a turn whose stream only sends heartbeats, by re-reading the chat", async () => {
    const emulator = createEmulator({ stepMs: 2, heartbeatMs: 5 });
    const over = new AbortController();
    let hostile = false;
    try {
      const client = inference({
        apiKey: KEY,
        fetch: (input, init) =>
          hostile && isChatStream(input) ? Promise.resolve(heartbeats(over.signal)) : emulator
            .fetch(input, init),
      });
      const agent = client.agents.create("my-org/assistant@abc123");
      await agent.sendMessage("Hello");
      // The chat exists: the next turn's stream is opened before the message is
      // posted, and never says anything but heartbeats.
      hostile = true;
      const reply = await agent.sendMessage("Again", {
        reconcileAfterMs: 50,
        signal: AbortSignal.timeout(FAIL_SAFE_MS),
      });
      assert.equal(reply.text, "You said: Again");
    } finally {
      over.abort();
      emulator.close();
    }
  });

  it("decodes a chat stream answered as Server-Sent Events, deltas included", async () => {
    const emulator = createEmulator({ stepMs: 1, heartbeatMs: 5 });
    try {
      const client = inference({
        apiKey: KEY,
        fetch: (input, init) => {
          if (!isChatStream(input)) return emulator.fetch(input, init);
          // The emulator answers SSE when asked for it.
          const headers = new Headers(init?.headers);
          headers.set("accept", "text/event-stream");
          return emulator.fetch(input, { ...init, headers });
        },
      });
      const agent = client.agents.create("my-org/assistant@abc123");
      const deltas: ChatDelta[] = [];
      const reply = await agent.sendMessage("Hello there", {
        fallbackToPolling: false,
        onDelta: (delta) => deltas.push(delta),
        signal: AbortSignal.timeout(FAIL_SAFE_MS),
      });
      assert.equal(reply.text, "You said: Hello there");
      assert.ok(deltas.some((d) => typeof d.seq === "number"), "streamed deltas arrived");
      assert.equal(deltas.map((d) => d.delta.response).join(""), reply.text);
      const streams = emulator.requests.filter((r) => r.path.endsWith("/stream")).length;
      assert.equal(streams, 1);
    } finally {
      emulator.close();
    }
  });
});
