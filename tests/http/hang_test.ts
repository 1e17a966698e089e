// "Nothing hangs": a fetch that ignores its AbortSignal (a custom `fetch`, a
// polyfill, a runtime bug), or a body whose reads never settle, must not keep a
// call pending past its deadline or past the caller's abort.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ClientOptions, resolveConfig } from "../../src/http/config.ts";
import { HttpClient } from "../../src/http/core.ts";
import { inference, TimeoutError, UploadError } from "../../mod.ts";
import { settled } from "../_helpers.ts";

const KEY = "inf_secret_key_123";

/** A fetch whose promise never settles and that never looks at its signal. */
const deaf: ClientOptions["fetch"] = () => new Promise<Response>(() => {});

/** A fetch answering at once with a body whose reads never settle (nor does its cancel). */
const stuckBody = (status = 200): ClientOptions["fetch"] => () =>
  Promise.resolve(
    new Response(new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) }), {
      status,
      headers: { "content-type": "application/json" },
    }),
  );

function client(fetch: ClientOptions["fetch"]): HttpClient {
  return new HttpClient(
    resolveConfig({ apiKey: KEY, baseUrl: "https://api.example/", fetch, maxRetries: 0 }),
    { random: () => 0, baseDelayMs: 1 },
  );
}

const GET = { method: "GET", path: "/tasks/t1", action: "get task", retry: "idempotent" } as const;
const STREAM = { path: "/tasks/t1/stream", action: "stream task", accept: "application/x-ndjson" };
const PUT = {
  url: "https://storage.example/bucket/f1",
  action: "upload f1",
  headers: { "content-type": "text/plain" },
  body: () => "hello",
};

function assertTimeout(outcome: { error?: unknown }, phase: string): void {
  assert.ok(outcome.error instanceof TimeoutError, `a TimeoutError, got ${String(outcome.error)}`);
  assert.equal(outcome.error.phase, phase);
  assert.equal(outcome.error.timeoutMs, 20);
}

describe("a fetch that ignores its signal", () => {
  it("a JSON call rejects with a TimeoutError at its deadline", async () => {
    assertTimeout(await settled(client(deaf).json({ ...GET, timeoutMs: 20 })), "request");
  });

  it("a JSON call rejects with the caller's reason when it aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const call = settled(client(deaf).json({ ...GET, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort(reason);
    assert.equal((await call).error, reason);
  });

  it("a stream connect rejects with a TimeoutError at its deadline", async () => {
    assertTimeout(await settled(client(deaf).stream({ ...STREAM, timeoutMs: 20 })), "connect");
  });

  it("a stream connect rejects with the caller's reason when it aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const call = settled(client(deaf).stream({ ...STREAM, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort(reason);
    assert.equal((await call).error, reason);
  });

  it("a storage PUT rejects with a TimeoutError at its deadline", async () => {
    assertTimeout(await settled(client(deaf).put({ ...PUT, timeoutMs: 20 })), "request");
  });

  it("a storage PUT rejects with the caller's reason when it aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const call = settled(client(deaf).put({ ...PUT, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort(reason);
    assert.equal((await call).error, reason);
  });

  it("files.upload fails its PUT step with the TimeoutError at the deadline", async () => {
    const fetch: ClientOptions["fetch"] = (_input, init) => {
      if (init?.method === "PUT") return new Promise<Response>(() => {});
      const file = {
        id: "f1",
        uri: "https://files.example/f1",
        "upload_url": "https://s.example/f1",
      };
      return Promise.resolve(Response.json({ data: [file] }));
    };
    const files = inference({ apiKey: KEY, fetch, maxRetries: 0 }).files;
    const outcome = await settled(files.upload(new Blob(["hi"]), { timeoutMs: 20 }));
    assert.ok(outcome.error instanceof UploadError, String(outcome.error));
    assert.equal(outcome.error.step, "upload");
    assert.ok(outcome.error.cause instanceof TimeoutError, String(outcome.error.cause));
  });
});

describe("a body whose reads never settle", () => {
  it("a JSON call rejects with a TimeoutError at its deadline", async () => {
    assertTimeout(await settled(client(stuckBody()).json({ ...GET, timeoutMs: 20 })), "request");
  });

  it("an error body's read is bounded by the same deadline", async () => {
    assertTimeout(
      await settled(client(stuckBody(500)).json({ ...GET, timeoutMs: 20 })),
      "request",
    );
  });

  it("a JSON call rejects with the caller's reason when it aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const call = settled(client(stuckBody()).json({ ...GET, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort(reason);
    assert.equal((await call).error, reason);
  });
});

describe("a getToken that never answers", () => {
  it("counts against the attempt's deadline: the call rejects with a TimeoutError", async () => {
    let fetched = 0;
    const http = new HttpClient(
      resolveConfig({
        getToken: () => new Promise<string>(() => {}),
        baseUrl: "https://api.example/",
        fetch: () => {
          fetched++;
          return Promise.resolve(Response.json({ id: "t1" }));
        },
        maxRetries: 0,
      }),
      { random: () => 0, baseDelayMs: 1 },
    );
    const outcome = await settled(http.json({ ...GET, timeoutMs: 20 }));
    assert.ok(outcome.error instanceof TimeoutError, `got ${String(outcome.error)}`);
    assert.match(outcome.error.message, /getToken/);
    assert.equal(fetched, 0, "nothing is sent without a token");
  });
});
