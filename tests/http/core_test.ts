import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ClientClock } from "../../src/http/clock.ts";
import { type ClientOptions, resolveConfig } from "../../src/http/config.ts";
import { HttpClient, unwrapEnvelope } from "../../src/http/core.ts";
import { backoffDelay } from "../../src/http/retry.ts";
import {
  APIConnectionError,
  AuthenticationError,
  InferenceError,
  InternalServerError,
  RateLimitError,
  TimeoutError,
} from "../../mod.ts";
import { RecordingClock } from "../_clock.ts";

const KEY = "inf_secret_key_123";

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

/** A fetch that answers from a script, one entry per call, and records what it saw. */
function scripted(
  script: ((seen: Seen, init: RequestInit) => Response | Promise<Response>)[],
): { fetch: ClientOptions["fetch"]; seen: Seen[] } {
  const seen: Seen[] = [];
  // Called as a method it throws, as workerd's fetch does. (A plain call gives
  // `undefined`, or the global object where the file is compiled to sloppy mode.)
  const fetch = function (this: unknown, input: string | URL | Request, init?: RequestInit) {
    if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
    const entry = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? init.body : null,
    };
    seen.push(entry);
    const step = script[seen.length - 1];
    if (!step) throw new Error(`unexpected call ${seen.length}`);
    return Promise.resolve().then(() => step(entry, init ?? {}));
  };
  return { fetch, seen };
}

function client(fetch: ClientOptions["fetch"], extra: Partial<ClientOptions> = {}): HttpClient {
  return new HttpClient(
    resolveConfig({ apiKey: KEY, baseUrl: "https://api.example/", fetch, ...extra }),
    { random: () => 0, baseDelayMs: 1 },
  );
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const refused = () => {
  throw new TypeError("fetch failed", {
    cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
  });
};
const lost = () => {
  throw new TypeError("fetch failed", { cause: new Error("other side closed") });
};

describe("HttpClient.json()", () => {
  it("sends the key to the base URL only, and a JSON type only with a body", async () => {
    const { fetch, seen } = scripted([
      () => json({ data: { id: "t" }, messages: [] }),
      () => json({ data: { id: "u" }, messages: [] }),
    ]);
    const http = client(fetch, { headers: { "x-team": "a" } });
    assert.deepEqual(
      await http.json({ method: "GET", path: "/tasks/t", action: "get", retry: "idempotent" }),
      { id: "t" },
    );
    await http.json({
      method: "POST",
      path: "/apps/run",
      body: { a: 1 },
      action: "run",
      retry: "create",
    });
    assert.equal(seen[0]!.url, "https://api.example/tasks/t");
    assert.equal(seen[0]!.headers.get("authorization"), `Bearer ${KEY}`);
    assert.equal(seen[0]!.headers.get("content-type"), null);
    assert.equal(seen[0]!.headers.get("x-team"), "a");
    assert.match(seen[0]!.headers.get("x-client-source") ?? "", /^inference-sdk-jsr\//);
    assert.equal(seen[1]!.headers.get("content-type"), "application/json");
    assert.equal(seen[1]!.body, '{"a":1}');
  });

  it("returns undefined for 204 and empty bodies", async () => {
    const { fetch } = scripted([() => new Response(null, { status: 204 })]);
    assert.equal(
      await client(fetch).json({ method: "DELETE", path: "/x", action: "x", retry: "idempotent" }),
      undefined,
    );
  });

  it("rejects a 2xx body that is not JSON with an InferenceError quoting it", async () => {
    const { fetch } = scripted([() => new Response("<html>proxy login</html>")]);
    await assert.rejects(
      client(fetch).json({ method: "GET", path: "/x", action: "get x", retry: "idempotent" }),
      (error: InferenceError) =>
        error instanceof InferenceError && /proxy login/.test(error.message),
    );
  });

  it("retries idempotent calls on 503, connection errors and 429, honouring Retry-After", async () => {
    const { fetch, seen } = scripted([
      () => json({ title: "down" }, 503, { "retry-after": "0" }),
      lost,
      () => json({ title: "slow" }, 429, { "retry-after": "0" }),
      () => json({ data: "ok" }),
    ]);
    const result = await client(fetch, { maxRetries: 3 }).json({
      method: "GET",
      path: "/x",
      action: "x",
      retry: "idempotent",
    });
    assert.equal(result, "ok");
    assert.equal(seen.length, 4);
  });

  it("gives up after maxRetries with the last typed error", async () => {
    const { fetch, seen } = scripted([
      () => json({ detail: "a" }, 500),
      () => json({ detail: "b" }, 502),
      () => json({ detail: "c" }, 500),
    ]);
    await assert.rejects(
      client(fetch).json({ method: "GET", path: "/x", action: "get x", retry: "idempotent" }),
      (error: InternalServerError) => error instanceof InternalServerError && error.detail === "c",
    );
    assert.equal(seen.length, 3);
  });

  it("retries a create only when the server certainly did not act on it", async () => {
    const call = {
      method: "POST",
      path: "/apps/run",
      body: {},
      action: "run",
      retry: "create",
    } as const;
    const ok = scripted([
      refused,
      () => json({ title: "busy" }, 429, { "retry-after": "0" }),
      () => json({ data: 1 }),
    ]);
    assert.equal(await client(ok.fetch).json(call), 1);
    assert.equal(ok.seen.length, 3);

    for (const failure of [lost, () => json({ detail: "boom" }, 500), () => json({}, 502)]) {
      const once = scripted([failure, () => json({ data: "duplicate!" })]);
      await assert.rejects(client(once.fetch).json(call), InferenceError);
      assert.equal(once.seen.length, 1);
    }
  });

  it("does not sleep through a Retry-After longer than a minute", async () => {
    const { fetch, seen } = scripted([
      () => json({ title: "later" }, 429, { "retry-after": "3600" }),
    ]);
    await assert.rejects(
      client(fetch).json({ method: "GET", path: "/x", action: "x", retry: "idempotent" }),
      (error: RateLimitError) =>
        error instanceof RateLimitError && error.retryAfterMs === 3_600_000,
    );
    assert.equal(seen.length, 1);
  });

  it("times out each attempt, and retries a timed-out read but not a timed-out create", async () => {
    const hang = (_: Seen, init: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason))
      );
    const read = scripted([hang, () => json({ data: "late" })]);
    assert.equal(
      await client(read.fetch, { timeoutMs: 20 }).json({
        method: "GET",
        path: "/x",
        action: "x",
        retry: "idempotent",
      }),
      "late",
    );
    const create = scripted([hang, () => json({ data: "duplicate!" })]);
    await assert.rejects(
      client(create.fetch, { timeoutMs: 20 }).json({
        method: "POST",
        path: "/apps/run",
        body: {},
        action: "run app",
        retry: "create",
      }),
      (error: TimeoutError) =>
        error instanceof TimeoutError && error.phase === "request" && error.timeoutMs === 20,
    );
    assert.equal(create.seen.length, 1);
  });

  it("rejects with the caller's reason on abort and never retries it", async () => {
    const controller = new AbortController();
    const reason = new Error("user gave up");
    const { fetch, seen } = scripted([
      (_, init) =>
        new Promise((_, reject) => {
          init.signal?.addEventListener("abort", () =>
            reject(new DOMException("aborted", "AbortError")));
          controller.abort(reason);
        }),
    ]);
    await assert.rejects(
      client(fetch).json({
        method: "GET",
        path: "/x",
        action: "x",
        retry: "idempotent",
        signal: controller.signal,
      }),
      (error) => error === reason,
    );
    assert.equal(seen.length, 1);
  });

  it("does not follow redirects, so the key cannot leave the API host", async () => {
    const { fetch, seen } = scripted([
      () =>
        new Response(null, { status: 307, headers: { location: "https://evil.example/steal" } }),
    ]);
    await assert.rejects(
      client(fetch).json({ method: "GET", path: "/x", action: "x", retry: "idempotent" }),
      APIConnectionError,
    );
    assert.equal(seen.length, 1);
  });

  it("never puts the API key in an error", async () => {
    const failures = [
      () => json({ detail: `invalid key ${KEY}` }, 401),
      refused,
      () => json({}, 404),
    ];
    for (const failure of failures) {
      const { fetch } = scripted([failure, failure, failure]);
      const error = await client(fetch).json({
        method: "GET",
        path: "/x",
        action: "x",
        retry: "idempotent",
      })
        .then(() => assert.fail("resolved"), (e: InferenceError) => e);
      const text = [error.message, String(error), JSON.stringify(error), error.stack ?? ""].join(
        "\n",
      );
      assert.equal(text.includes(KEY), false, text);
    }
  });
});

describe("HttpClient with getToken", () => {
  it("asks for the key before every attempt, async, and sends only that", async () => {
    const tokens = ["tok_first_000001", "tok_second_00002"];
    const { fetch, seen } = scripted([
      () => json({ title: "busy" }, 503, { "retry-after": "0" }),
      () => json({ data: "ok" }),
    ]);
    const http = new HttpClient(
      resolveConfig({ getToken: () => Promise.resolve(tokens.shift()!), fetch }),
      { random: () => 0, baseDelayMs: 1 },
    );
    assert.equal(
      await http.json({ method: "GET", path: "/x", action: "x", retry: "idempotent" }),
      "ok",
    );
    assert.deepEqual(seen.map((s) => s.headers.get("authorization")), [
      "Bearer tok_first_000001",
      "Bearer tok_second_00002",
    ]);
  });

  it("asks again once after a 401, even for a create, then gives up", async () => {
    let asked = 0;
    const getToken = () => `tok_${++asked}_abcdefgh`;
    const once = scripted([() => json({ detail: "expired" }, 401), () => json({ data: 1 })]);
    const http = new HttpClient(resolveConfig({ getToken, fetch: once.fetch }));
    assert.equal(
      await http.json({
        method: "POST",
        path: "/apps/run",
        body: {},
        action: "run",
        retry: "create",
      }),
      1,
    );
    assert.equal(once.seen[1]!.headers.get("authorization"), "Bearer tok_2_abcdefgh");

    const twice = scripted([() => json({}, 401), () => json({}, 401), () => json({ data: 1 })]);
    await assert.rejects(
      new HttpClient(resolveConfig({ getToken, fetch: twice.fetch })).json({
        method: "GET",
        path: "/x",
        action: "x",
        retry: "idempotent",
      }),
      AuthenticationError,
    );
    assert.equal(twice.seen.length, 2);
  });

  it("rejects a token provider that gives nothing, before any request", async () => {
    const { fetch, seen } = scripted([]);
    const http = new HttpClient(resolveConfig({ getToken: () => "", fetch }));
    await assert.rejects(
      http.json({ method: "GET", path: "/x", action: "x", retry: "idempotent" }),
      /'getToken' returned no token/,
    );
    assert.equal(seen.length, 0);
  });
});

describe("unwrapEnvelope()", () => {
  it("unwraps {data, messages} and {data}, but not a DTO that has a data field", () => {
    assert.deepEqual(unwrapEnvelope({ data: { a: 1 }, messages: [] }), { a: 1 });
    assert.deepEqual(unwrapEnvelope({ data: null }), null);
    const dto = { id: "tinv_1", status: "completed", data: { x: 1 } };
    assert.equal(unwrapEnvelope(dto), dto);
    assert.deepEqual(unwrapEnvelope([1]), [1]);
  });
});

describe("resolveConfig()", () => {
  it("names the missing or bad option", () => {
    assert.throws(() => resolveConfig({} as ClientOptions), /'apiKey' is required/);
    assert.throws(() => resolveConfig({ apiKey: " " }), /'apiKey' is required/);
    assert.throws(() => resolveConfig({ apiKey: "k", baseUrl: "nope" }), /'baseUrl'/);
    assert.throws(() => resolveConfig({ apiKey: "k", baseUrl: "ftp://x" }), /'baseUrl'/);
    assert.throws(() => resolveConfig({ apiKey: "k", maxRetries: -1 }), /'maxRetries'/);
    assert.throws(() => resolveConfig({ apiKey: "k", timeoutMs: 0 }), /'timeoutMs'/);
    assert.throws(() => resolveConfig({ apiKey: "k", getToken: () => "t" }), /one of/);
    assert.throws(
      () => resolveConfig({ getToken: "t" as unknown as () => string }),
      /'getToken' must be a function/,
    );
    assert.throws(
      () => resolveConfig({ apiKey: "k", clock: { now: () => 0 } as unknown as ClientClock }),
      /'clock' must be an object with now\(\), setTimeout\(\) and clearTimeout\(\).*no setTimeout/,
    );
    assert.throws(
      () => resolveConfig({ apiKey: "k", random: 0.5 as unknown as () => number }),
      /'random' must be a function/,
    );
  });
  it("sleeps between retries on the client's clock, with its random", async () => {
    const clock = new RecordingClock();
    let calls = 0;
    const http = new HttpClient(
      resolveConfig({
        apiKey: "k",
        baseUrl: "https://api.example",
        clock,
        random: () => 0.5,
        fetch: () =>
          Promise.resolve(
            ++calls < 3
              ? new Response("", { status: 503 })
              : Response.json({ success: true, data: 1 }),
          ),
      }),
    );
    assert.equal(
      await http.json({ method: "GET", path: "/x", action: "read x", retry: "idempotent" }),
      1,
    );
    // Two retries, each waited on the clock, jittered by the client's random.
    const half = () => 0.5;
    assert.deepEqual(clock.waits, [backoffDelay(0, half), backoffDelay(1, half)]);
  });
  it("tolerates a trailing slash and touches no global fetch", () => {
    const config = resolveConfig({ apiKey: "k", baseUrl: "https://api.example//" });
    assert.equal(config.baseUrl, "https://api.example");
  });
});
