/// <reference lib="deno.ns" />
// The same handler over a real socket (Deno only; needs --allow-net=127.0.0.1).
import { test } from "node:test";
import { ok, strictEqual } from "node:assert/strict";
import { emulatorState } from "../../src/testing/emulator.ts";
import { delay, fastEmulator } from "./_helpers.ts";

const deno = (globalThis as { Deno?: unknown }).Deno === undefined ? undefined : Deno;

test(
  "the handler serves a task stream over a real socket",
  { skip: deno === undefined },
  async () => {
    const emulator = fastEmulator({ heartbeatMs: 5 });
    const server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen: () => {} },
      emulator.handler,
    );
    try {
      const base = `http://127.0.0.1:${server.addr.port}`;
      const headers = { authorization: "Bearer inf_test", "content-type": "application/json" };
      const unauthorized = await fetch(`${base}/apps/run`, { method: "POST" });
      strictEqual(unauthorized.status, 401);
      strictEqual((await unauthorized.json()).code, "unauthorized");

      const created = await fetch(`${base}/apps/run`, {
        method: "POST",
        headers,
        body: JSON.stringify({ app: "infsh/text-stream", input: { prompt: "über 🌍" } }),
      });
      const { data: task } = await created.json();
      const stream = await fetch(`${base}/tasks/${task.id}/stream`, {
        headers: { authorization: headers.authorization, accept: "application/x-ndjson" },
      });
      strictEqual(stream.headers.get("content-type"), "application/x-ndjson");
      const lines = (await stream.text()).split("\n").filter((line) => line !== "")
        .map((line) => JSON.parse(line));
      const reply = lines.filter((line) => line.event === "delta")
        .map((line) => line.data.delta.response).join("");
      strictEqual(reply, "Echo: über 🌍");
      strictEqual(lines.at(-1).data.status, 10);

      const sse = await fetch(`${base}/tasks/${task.id}/stream`, {
        headers: { authorization: headers.authorization, accept: "text/event-stream" },
      });
      strictEqual(sse.headers.get("content-type"), "text/event-stream");
      ok((await sse.text()).startsWith("data: {"));

      // A client that goes away mid-stream is unsubscribed on the server side.
      const sleeper = await (await fetch(`${base}/apps/run`, {
        method: "POST",
        headers,
        body: JSON.stringify({ app: "infsh/sleep", input: { seconds: 60 } }),
      })).json();
      const controller = new AbortController();
      const live = await fetch(`${base}/tasks/${sleeper.data.id}/stream`, {
        headers: { authorization: headers.authorization },
        signal: controller.signal,
      });
      const reader = (live.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      const state = emulatorState(emulator);
      const subscribers = (): number | undefined => state?.tasks.subscriberCount;
      strictEqual(subscribers(), 1);
      controller.abort();
      await reader.read().catch(() => {});
      for (let i = 0; i < 100 && subscribers() !== 0; i++) await delay(5);
      strictEqual(subscribers(), 0);
      strictEqual(state?.streams.size, 0);
    } finally {
      emulator.close();
      await server.shutdown();
    }
  },
);
