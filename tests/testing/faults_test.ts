// Fault injection: failNext, connection faults, stream drops/stalls/malformed lines, split UTF-8.
import { test } from "node:test";
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { emulatorState } from "../../src/testing/emulator.ts";
import {
  API,
  AUTH,
  chunks,
  concat,
  fastEmulator,
  firstId,
  MISSING_ID,
  ndjson,
  openStream,
  postRun,
  readWithin,
  run,
  waitTerminal,
} from "./_helpers.ts";

type Line = Record<string, unknown>;

test("failNext(429) answers a rate_limited problem with Retry-After and creates nothing", async () => {
  const emulator = fastEmulator();
  try {
    emulator.faults.failNext(429, { retryAfter: "2", path: "/apps/run", times: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await postRun(emulator, { app: "infsh/echo", input: {} });
      strictEqual(response.status, 429);
      strictEqual(response.headers.get("retry-after"), "2");
      strictEqual(response.headers.get("content-type"), "application/problem+json");
      const body = await response.json();
      strictEqual(body.code, "rate_limited");
      strictEqual(body.type, "https://api.inference.sh/errors/rate_limited");
      strictEqual(body.status, 429);
      strictEqual(body.title, "Too Many Requests");
    }
    strictEqual((await run(emulator, "infsh/echo")).id, firstId(), "nothing was created");
    strictEqual(emulator.requests.length, 3);
  } finally {
    emulator.close();
  }
});

test("failNext maps statuses to codes and defaults Retry-After to 0 only for 429/503", async () => {
  const emulator = fastEmulator();
  try {
    const expected: [number, string, string | null][] = [
      [503, "service_unavailable", "0"],
      [500, "internal_error", null],
      [502, "bad_gateway", null],
      [408, "request_timeout", null],
      [429, "rate_limited", "0"],
    ];
    for (const [status, code, retryAfter] of expected) {
      emulator.faults.failNext(status);
      const response = await emulator.fetch(`${API}/tasks/${MISSING_ID}`, { headers: AUTH });
      strictEqual(response.status, status);
      strictEqual(response.headers.get("retry-after"), retryAfter);
      strictEqual((await response.json()).code, code);
    }
    emulator.faults.failNext(503, { retryAfter: "" });
    const none = await emulator.fetch(`${API}/tasks/${MISSING_ID}`, { headers: AUTH });
    strictEqual(none.headers.get("retry-after"), null);
    await none.body?.cancel();
    const date = "Wed, 21 Oct 2015 07:28:00 GMT";
    emulator.faults.failNext(503, { retryAfter: date });
    const dated = await emulator.fetch(`${API}/tasks/${MISSING_ID}`, { headers: AUTH });
    strictEqual(dated.headers.get("retry-after"), date);
    await dated.body?.cancel();
    throws(() => emulator.faults.failNext(200), RangeError);
  } finally {
    emulator.close();
  }
});

test("failNext only matches the given path and method", async () => {
  const emulator = fastEmulator();
  try {
    emulator.faults.failNext(500, { path: "/apps/run", method: "post" });
    const other = await emulator.fetch(`${API}/tasks/${MISSING_ID}`, { headers: AUTH });
    strictEqual(other.status, 404);
    await other.body?.cancel();
    const preflight = await emulator.fetch(`${API}/apps/run`, { method: "OPTIONS" });
    strictEqual(preflight.status, 204);
    const hit = await postRun(emulator, { app: "infsh/echo", input: {} });
    strictEqual(hit.status, 500);
    await hit.body?.cancel();
  } finally {
    emulator.close();
  }
});

test("refuseConnection rejects like ECONNREFUSED before the handler runs", async () => {
  const emulator = fastEmulator();
  try {
    emulator.faults.refuseConnection({ path: "/apps/run" });
    await rejects(postRun(emulator, { app: "infsh/echo", input: {} }), (error: unknown) => {
      ok(error instanceof TypeError);
      strictEqual(error.message, "fetch failed");
      const cause = error.cause as Error & { code: string };
      strictEqual(cause.code, "ECONNREFUSED");
      strictEqual(cause.message, "connect ECONNREFUSED 127.0.0.1:443");
      return true;
    });
    // Never reached the server: nothing recorded, nothing created.
    strictEqual(emulator.requests.length, 0);
    strictEqual((await run(emulator, "infsh/echo")).id, firstId(), "nothing was created");
  } finally {
    emulator.close();
  }
});

test("loseResponse lets the handler create the task, then rejects with a socket error", async () => {
  const emulator = fastEmulator();
  try {
    emulator.faults.loseResponse({ method: "POST" });
    await rejects(
      postRun(emulator, { app: "infsh/echo", input: { once: true } }),
      (error: unknown) => {
        ok(error instanceof TypeError);
        strictEqual(error.message, "fetch failed");
        strictEqual((error.cause as { code: string }).code, "UND_ERR_SOCKET");
        return true;
      },
    );
    strictEqual(emulator.requests.length, 1);
    const id = firstId();
    deepStrictEqual(emulator.task(id)?.input, { once: true });
    await waitTerminal(emulator, id);
  } finally {
    emulator.close();
  }
});

test("dropStreamAfter(n) closes the body cleanly after n lines, without a terminal update", async () => {
  const emulator = fastEmulator({ heartbeatMs: 1 });
  const state = emulatorState(emulator);
  try {
    const task = await run(emulator, "infsh/echo", {});
    emulator.faults.dropStreamAfter(2);
    const lines = await ndjson(await openStream(emulator, task.id));
    const counted = lines.filter((line) => line.type !== "heartbeat");
    strictEqual(counted.length, 2);
    ok(counted.every((line) => (line.data as Line).status !== 10));
    strictEqual(state?.tasks.subscriberCount, 0);
    // Consumed: the next stream runs to the end.
    const next = await ndjson(await openStream(emulator, task.id));
    strictEqual((next.at(-1)?.data as Line).status, 10);
  } finally {
    emulator.close();
  }
});

test("dropStreamAfter(n, { mode: 'error' }) errors the body like a reset connection", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/echo", {});
    emulator.faults.dropStreamAfter(1, { mode: "error" });
    const response = await openStream(emulator, task.id);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    strictEqual(first.done, false);
    await rejects(reader.read(), TypeError);
  } finally {
    emulator.close();
  }
});

test("stallStreamAfter(n) goes silent (no heartbeats) but stays open until the client aborts", async () => {
  const emulator = fastEmulator({ heartbeatMs: 2 });
  try {
    const task = await run(emulator, "infsh/echo", {});
    emulator.faults.stallStreamAfter(1);
    const controller = new AbortController();
    const response = await openStream(emulator, task.id, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    strictEqual(first.done, false);
    strictEqual(await readWithin(reader, 60), "timeout");
    strictEqual(emulator.task(task.id)?.status, 10); // the task went on; the stream did not
    controller.abort();
    await rejects(reader.read(), { name: "AbortError" });
  } finally {
    emulator.close();
  }
});

test("malformedLineAfter(n) writes one invalid line, then continues to the end", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/echo", {});
    emulator.faults.malformedLineAfter(1);
    const text = await (await openStream(emulator, task.id)).text();
    const lines = text.split("\n").filter((line) => line !== "");
    JSON.parse(lines[0] as string);
    throws(() => JSON.parse(lines[1] as string), SyntaxError);
    const rest = lines.slice(2).map((line) => JSON.parse(line));
    strictEqual(rest.at(-1).data.status, 10);
  } finally {
    emulator.close();
  }
});

test("splitUtf8 cuts lines inside multi-byte characters, and short lines byte by byte", async () => {
  const emulator = fastEmulator({ heartbeatMs: 2, stepMs: 3 });
  try {
    const prompt = "naïve 世界 🌍";
    const task = await run(emulator, "infsh/text-stream", { prompt });
    emulator.faults.splitUtf8();
    const parts = await chunks(
      (await openStream(emulator, task.id)).body as ReadableStream<Uint8Array>,
    );
    const strict = new TextDecoder("utf-8", { fatal: true });
    const cutInside = parts.filter((part) => {
      try {
        strict.decode(part);
        return false;
      } catch {
        return true;
      }
    });
    ok(cutInside.length >= 3, `${cutInside.length} chunks end inside a character`);
    ok(parts.some((part) => part.length === 1), "short lines go one byte at a time");
    const text = new TextDecoder().decode(concat(parts));
    const lines = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
    const reply = lines.filter((line) => line.event === "delta").map((line) =>
      line.data.delta.response
    )
      .join("");
    strictEqual(reply, `Echo: ${prompt}`);
    strictEqual(lines.at(-1).data.status, 10);
    emulator.faults.splitUtf8(false);
    const whole = await chunks(
      (await openStream(emulator, task.id)).body as ReadableStream<Uint8Array>,
    );
    strictEqual(whole.length, 1);
  } finally {
    emulator.close();
  }
});

test("faults combine and clear() forgets them", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/echo", {});
    await waitTerminal(emulator, task.id);
    emulator.faults.failNext(500);
    emulator.faults.dropStreamAfter(0);
    emulator.faults.splitUtf8();
    emulator.faults.clear();
    const lines = await ndjson(await openStream(emulator, task.id));
    strictEqual(lines.length, 1);
  } finally {
    emulator.close();
  }
});

test("POST /__emulator/faults, GET /__emulator/requests and POST /__emulator/reset work over HTTP", async () => {
  const emulator = fastEmulator();
  try {
    const control = (body: unknown): Promise<Response> =>
      emulator.fetch(`${API}/__emulator/faults`, { method: "POST", body: JSON.stringify(body) });
    strictEqual((await control({ kind: "failNext", status: 503, path: "/apps/run" })).status, 204);
    const failed = await postRun(emulator, { app: "infsh/echo", input: {} });
    strictEqual(failed.status, 503);
    strictEqual(failed.headers.get("retry-after"), "0");
    await failed.body?.cancel();
    const task = await run(emulator, "infsh/echo", {});
    await waitTerminal(emulator, task.id);
    strictEqual((await control({ kind: "dropStreamAfter", lines: 0 })).status, 204);
    strictEqual(await (await openStream(emulator, task.id)).text(), "");
    strictEqual((await control({ kind: "malformedLineAfter", lines: 0 })).status, 204);
    strictEqual((await (await openStream(emulator, task.id)).text()).split("\n").length, 3);
    const bad = await control({ kind: "explode" });
    strictEqual(bad.status, 400);
    strictEqual((await bad.json()).field, "kind");
    const inProcessOnly = await control({ kind: "refuseConnection" });
    strictEqual(inProcessOnly.status, 400);
    await inProcessOnly.body?.cancel();
    const missing = await control({ kind: "stallStreamAfter" });
    strictEqual((await missing.json()).field, "lines");

    const log = await (await emulator.fetch(`${API}/__emulator/requests`)).json();
    ok(Array.isArray(log));
    strictEqual(log[0].path, "/__emulator/faults");
    strictEqual(log.at(-1).path, "/__emulator/requests");
    strictEqual((await emulator.fetch(`${API}/__emulator/reset`, { method: "POST" })).status, 204);
    strictEqual(emulator.task(task.id), undefined);
    deepStrictEqual(emulator.requests.map((request) => request.path), []);
  } finally {
    emulator.close();
  }
});
