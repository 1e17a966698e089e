// The proxy handler in-process: the client → proxy → emulator chain, target
// checks (no open relay), header hygiene, the authorize hook and streaming.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference, TaskStatusCompleted } from "../../mod.ts";
import { createProxy, type FetchLike, type ProxyOptions } from "../../src/proxy/mod.ts";
import { createEmulator, type Emulator } from "../../src/testing/mod.ts";

const SERVER_KEY = "inf_server_key_42";
const PROXY = "https://app.example/api/inference/proxy";
const API = "https://api.inference.sh";
/** An id shaped like the API's (26 lowercase base32 characters): the proxy takes no other. */
const TASK = "01j9z3m8k2c9v7b4n6q5r0t1wx";

interface Relayed {
  url: string;
  init: RequestInit;
  headers: Headers;
}

/** A proxy whose upstream `fetch` is recorded and answered by `answer`. */
function recordingProxy(
  answer: (relayed: Relayed) => Response | Promise<Response> = () => Response.json({ data: 1 }),
  options: Partial<ProxyOptions> = {},
): { proxy: (request: Request) => Promise<Response>; relayed: Relayed[] } {
  const relayed: Relayed[] = [];
  const fetch: FetchLike = (input, init = {}) => {
    const entry = { url: String(input), init, headers: new Headers(init.headers) };
    relayed.push(entry);
    return Promise.resolve(answer(entry));
  };
  return { proxy: createProxy({ apiKey: SERVER_KEY, fetch, ...options }), relayed };
}

function proxied(target: string | null, init: RequestInit = {}, query = false): Request {
  const url = new URL(PROXY);
  const headers = new Headers(init.headers);
  if (target !== null && query) url.searchParams.set("__inf_target", target);
  else if (target !== null) headers.set("x-inf-target-url", target);
  return new Request(url, { ...init, headers });
}

async function problemOf(response: Response): Promise<{ code: string; detail: string }> {
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  return await response.json();
}

/** A client that talks to `proxy` in-process, and the emulator behind it. */
function chain(options: Partial<ProxyOptions> = {}): {
  emulator: Emulator;
  client: ReturnType<typeof inference>;
  toProxy: Request[];
  [Symbol.dispose](): void;
} {
  const emulator = createEmulator({ stepMs: 1, apiKey: SERVER_KEY });
  const proxy = createProxy({ apiKey: SERVER_KEY, fetch: emulator.fetch, ...options });
  const toProxy: Request[] = [];
  const client = inference({
    proxyUrl: PROXY,
    headers: { cookie: "session=abc", authorization: "Bearer app-session-token" },
    fetch: (input, init) => {
      const request = new Request(input, init);
      toProxy.push(request.clone());
      return proxy(request);
    },
  });
  return { emulator, client, toProxy, [Symbol.dispose]: () => emulator.close() };
}

describe("client → proxy → API", () => {
  it("runs a task with streamed updates and deltas, the key added by the proxy only", async () => {
    using env = chain();
    let text = "";
    const result = await env.client.tasks.run(
      { app: "infsh/text-stream", input: { prompt: "through the proxy" } },
      { onDelta: (delta) => text += delta.delta.response ?? "" },
    );
    assert.equal(result.status, TaskStatusCompleted);
    assert.equal(text, "Echo: through the proxy");
    // The browser side sent no key, only the targets.
    for (const request of env.toProxy) {
      assert.equal(request.headers.get("authorization"), "Bearer app-session-token");
      assert.match(
        request.headers.get("x-inf-target-url") ?? "",
        /^https:\/\/api\.inference\.sh\//,
      );
      assert.equal(new URL(request.url).origin + new URL(request.url).pathname, PROXY);
    }
    const stream = env.toProxy.find((r) => r.headers.get("x-inf-target-url")?.endsWith("/stream"));
    assert.equal(
      new URL(stream!.url).searchParams.get("__inf_target"),
      stream!.headers.get("x-inf-target-url"),
    );
    // The API saw the server's key, and neither the app's cookie nor its token.
    const api = env.emulator.requests.filter((r) => !r.path.startsWith("/__"));
    assert.ok(api.length >= 2);
    for (const request of api) {
      assert.equal(request.headers["authorization"], `Bearer ${SERVER_KEY}`);
      assert.equal(request.headers["cookie"], undefined);
      assert.equal(request.headers["x-inf-target-url"], undefined);
      assert.match(request.headers["x-inf-proxy"] ?? "", /^@inferencesh\/sdk-proxy\//);
    }
  });

  it("reports API errors through the proxy as the API's typed errors", async () => {
    using env = chain();
    await assert.rejects(
      env.client.tasks.get("0".repeat(26)),
      (error: Error & { status?: number }) => error.status === 404,
    );
  });
});

describe("proxy targets", () => {
  it("relays targets on the public API and on apiBaseUrl to apiBaseUrl only", async () => {
    const { proxy, relayed } = recordingProxy(undefined, { apiBaseUrl: "http://127.0.0.1:9/v2/" });
    await proxy(proxied(`${API}/tasks/${TASK}?x=1`));
    await proxy(proxied(`http://127.0.0.1:9/v2/tasks/${TASK}/stream`, {}, true));
    assert.deepEqual(relayed.map((r) => r.url), [
      `http://127.0.0.1:9/v2/tasks/${TASK}?x=1`,
      `http://127.0.0.1:9/v2/tasks/${TASK}/stream`,
    ]);
  });

  it("refuses every other target with a problem, relaying nothing", async () => {
    const { proxy, relayed } = recordingProxy();
    const refused = [
      "https://evil.example/tasks",
      "https://api.inference.sh.evil.example/tasks",
      "https://api.inference.sh@evil.example/tasks",
      "https://user:pass@api.inference.sh/tasks",
      "http://api.inference.sh/tasks",
      "https://api.inference.sh:444/tasks",
      "https://169.254.169.254/latest/meta-data",
      "http://localhost:8080/admin",
    ];
    for (const target of refused) {
      const response = await proxy(proxied(target));
      assert.equal(response.status, 403, target);
      assert.equal((await problemOf(response)).code, "target_not_allowed");
    }
    for (const target of ["/tasks", "file:///etc/passwd", "javascript:alert(1)", "not a url"]) {
      const response = await proxy(proxied(target));
      assert.equal(response.status, 400, target);
      assert.equal((await problemOf(response)).code, "invalid_target");
    }
    const missing = await proxy(proxied(null));
    assert.equal(missing.status, 400);
    assert.equal((await problemOf(missing)).code, "missing_target");
    assert.equal(relayed.length, 0);
  });

  it("keeps targets under apiBaseUrl's path when it has one", async () => {
    const { proxy, relayed } = recordingProxy(undefined, { apiBaseUrl: "https://gw.example/api" });
    assert.equal((await proxy(proxied("https://gw.example/admin"))).status, 403);
    assert.equal((await proxy(proxied("https://gw.example/apix/tasks"))).status, 403);
    assert.equal((await proxy(proxied(`https://gw.example/api/tasks/${TASK}`))).status, 200);
    assert.deepEqual(relayed.map((r) => r.url), [`https://gw.example/api/tasks/${TASK}`]);
  });

  it("answers methods it does not relay with a 405", async () => {
    const { proxy, relayed } = recordingProxy();
    const response = await proxy(proxied(`${API}/tasks`, { method: "OPTIONS" }));
    assert.equal(response.status, 405);
    assert.match(response.headers.get("allow") ?? "", /POST/);
    assert.equal(relayed.length, 0);
  });
});

describe("proxy headers and bodies", () => {
  const incoming = {
    cookie: "session=abc",
    authorization: "Bearer user-token",
    "x-team-id": "t1",
    "x-inf-extra": "yes",
    "content-type": "application/json",
    accept: "application/json",
    "x-client-source": "inference-sdk-js/0.6.54",
  };

  it("relays no cookie or authorization by default, and sets the server's key", async () => {
    const { proxy, relayed } = recordingProxy();
    await proxy(proxied(`${API}/apps/run`, { method: "POST", headers: incoming, body: "{}" }));
    const headers = relayed[0]!.headers;
    assert.equal(headers.get("authorization"), `Bearer ${SERVER_KEY}`);
    assert.equal(headers.get("cookie"), null);
    assert.equal(headers.get("x-team-id"), null);
    assert.equal(headers.get("x-inf-extra"), "yes");
    assert.equal(headers.get("x-inf-target-url"), null);
    assert.equal(headers.get("content-type"), "application/json");
    assert.equal(headers.get("x-client-source"), "inference-sdk-js/0.6.54");
    assert.equal(relayed[0]!.init.redirect, "manual");
    assert.equal(new TextDecoder().decode(relayed[0]!.init.body as Uint8Array), "{}");
  });

  it("relays the headers named in forwardHeaders; an incoming authorization then wins", async () => {
    const { proxy, relayed } = recordingProxy(undefined, {
      forwardHeaders: ["X-Team-Id", "authorization"],
    });
    await proxy(proxied(`${API}/tasks/${TASK}`, { headers: incoming }));
    await proxy(proxied(`${API}/tasks/${TASK}`));
    assert.equal(relayed[0]!.headers.get("x-team-id"), "t1");
    assert.equal(relayed[0]!.headers.get("authorization"), "Bearer user-token");
    assert.equal(relayed[0]!.headers.get("cookie"), null);
    assert.equal(relayed[1]!.headers.get("authorization"), `Bearer ${SERVER_KEY}`);
  });

  it("takes the key from a function of the request", async () => {
    const { proxy, relayed } = recordingProxy(undefined, {
      apiKey: (request) => Promise.resolve(`key-for-${new URL(request.url).hostname}`),
    });
    await proxy(proxied(`${API}/tasks/${TASK}`));
    assert.equal(relayed[0]!.headers.get("authorization"), "Bearer key-for-app.example");
  });

  it("refuses bodies over maxBodyBytes with a 413", async () => {
    const { proxy, relayed } = recordingProxy(undefined, { maxBodyBytes: 4 });
    const response = await proxy(proxied(`${API}/apps/run`, { method: "POST", body: "12345" }));
    assert.equal(response.status, 413);
    assert.equal((await problemOf(response)).code, "payload_too_large");
    assert.equal(relayed.length, 0);
  });

  it("answers 502 when the API cannot be reached, without the key in the message", async () => {
    const { proxy } = recordingProxy(() => {
      throw new TypeError(`connect failed for Bearer ${SERVER_KEY}`);
    });
    const response = await proxy(proxied(`${API}/tasks/${TASK}`));
    assert.equal(response.status, 502);
    const body = await problemOf(response);
    assert.equal(body.code, "bad_gateway");
    assert.ok(!body.detail.includes(SERVER_KEY), body.detail);
  });

  it("passes the API's status, headers and errors through, minus hop-by-hop ones", async () => {
    const { proxy } = recordingProxy(() =>
      new Response('{"status":404,"code":"not_found"}', {
        status: 404,
        headers: {
          "content-type": "application/problem+json",
          "set-cookie": "tracking=1",
          "x-request-id": "r1",
        },
      })
    );
    const response = await proxy(proxied(`${API}/tasks/${TASK}`));
    assert.equal(response.status, 404);
    assert.equal(response.headers.get("x-request-id"), "r1");
    assert.equal(response.headers.get("set-cookie"), null);
    assert.equal((await response.json()).code, "not_found");
  });
});

describe("proxy authorize hook", () => {
  it("lets true through, answers 401 for false, and returns a Response as it is", async () => {
    const verdicts: (boolean | Response)[] = [
      true,
      false,
      new Response("go away", { status: 418 }),
    ];
    const { proxy, relayed } = recordingProxy(undefined, {
      authorize: () => Promise.resolve(verdicts.shift()!),
    });
    assert.equal((await proxy(proxied(`${API}/tasks/${TASK}`))).status, 200);
    const denied = await proxy(proxied(`${API}/tasks/${TASK}`));
    assert.equal(denied.status, 401);
    assert.equal((await problemOf(denied)).code, "unauthorized");
    const custom = await proxy(proxied(`${API}/tasks/${TASK}`));
    assert.equal(custom.status, 418);
    assert.equal(await custom.text(), "go away");
    assert.equal(relayed.length, 1);
  });

  it("is asked before the target is even looked at", async () => {
    const { proxy } = recordingProxy(undefined, { authorize: () => false });
    assert.equal((await proxy(proxied("https://evil.example/"))).status, 401);
  });
});

describe("proxy streaming", () => {
  it("passes each chunk on as it arrives, without waiting for the end", async () => {
    let upstream!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (upstream = c) });
    const { proxy } = recordingProxy(() =>
      new Response(body, { headers: { "content-type": "application/x-ndjson" } })
    );
    const response = await proxy(proxied(`${API}/tasks/${TASK}/stream`));
    assert.equal(response.headers.get("x-accel-buffering"), "no");
    const reader = response.body!.getReader();
    const encoder = new TextEncoder();
    upstream.enqueue(encoder.encode('{"n":1}\n'));
    // The upstream is still open: the first line must already be readable.
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value), '{"n":1}\n');
    upstream.enqueue(encoder.encode('{"n":2}\n'));
    upstream.close();
    assert.equal(new TextDecoder().decode((await reader.read()).value), '{"n":2}\n');
    assert.equal((await reader.read()).done, true);
  });

  it("cancels the upstream body when the client goes away", async () => {
    let cancelled: unknown = "not cancelled";
    const body = new ReadableStream<Uint8Array>({
      cancel: (reason) => void (cancelled = reason),
    });
    const { proxy } = recordingProxy(() => new Response(body));
    const response = await proxy(proxied(`${API}/tasks/${TASK}/stream`));
    await response.body!.cancel("client left");
    assert.equal(cancelled, "client left");
  });
});

describe("client options for a proxy", () => {
  it("needs apiKey or proxyUrl, naming both", () => {
    assert.throws(() => inference({}), /'apiKey' is required.*'proxyUrl'/);
  });

  it("refuses apiKey together with proxyUrl, and a relative proxyUrl outside a browser", () => {
    assert.throws(
      () => inference({ apiKey: "k", proxyUrl: PROXY }),
      /pass one of 'apiKey', 'getToken' or 'proxyUrl'/,
    );
    assert.throws(() => inference({ proxyUrl: "/api/inference/proxy" }), /'proxyUrl'/);
    assert.throws(() => inference({ proxyUrl: "ftp://x/" }), /'proxyUrl'/);
  });

  it("refuses bad proxy options when the proxy is created", () => {
    assert.throws(() => createProxy({ apiKey: "" }), /'apiKey' is required/);
    assert.throws(() => createProxy({ apiKey: "k", apiBaseUrl: "nope" }), /'apiBaseUrl'/);
    assert.throws(() => createProxy({ apiKey: "k", maxBodyBytes: -1 }), /'maxBodyBytes'/);
  });
});
