// The server's key never reaches the browser through the proxy: it is redacted
// from relayed bodies (whole or streamed, split anywhere) and headers in every
// spelling an echo may give it, a key no header can carry is refused without
// being quoted, the handler never throws (a runtime would log the error), and
// the key may come from INFERENCE_API_KEY.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createProxy, type FetchLike, type ProxyOptions } from "../../src/proxy/mod.ts";
import { Redactor } from "../../src/http/redact.ts";

const API = "https://api.inference.sh";
const PROXY = "https://app.example/api/inference/proxy";
const TASK = "01j9z3m8k2c9v7b4n6q5r0t1wx";
/** A key with every character JSON or a URL escapes. */
const KEY = 'inf_k3y+/=&"\\<>%_0123456789abcdef';

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;

/** Every spelling of `KEY` an echo may give it. */
const SPELLINGS: Record<string, string> = {
  raw: KEY,
  "JSON (JSON.stringify)": JSON.stringify(KEY).slice(1, -1),
  "JSON with \\/": JSON.stringify(KEY).slice(1, -1).replaceAll("/", "\\/"),
  "JSON, Go's HTML-safe escapes": JSON.stringify(KEY).slice(1, -1)
    .replaceAll("&", "\\u0026").replaceAll("<", "\\u003c").replaceAll(">", "\\u003e"),
  "JSON, every character as \\u00XX": [...KEY].map((c) =>
    `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  ).join(""),
  "encodeURIComponent (%2B)": encodeURIComponent(KEY),
  "percent-encoded, lower-case hex": encodeURIComponent(KEY).replace(
    /%[0-9A-F]{2}/g,
    (m) => m.toLowerCase(),
  ),
  "percent-encoded with + and / left as they are": KEY.replace(/[=&"\\<>%]/g, hex),
  "URLSearchParams": new URLSearchParams({ k: KEY }).toString().slice(2),
  "percent-encoded twice (%252B)": encodeURIComponent(encodeURIComponent(KEY)),
  "+ read back as a space": KEY.replace("+", " "),
  "JSON in JSON": JSON.stringify(JSON.stringify(KEY)).slice(3, -3),
};

function proxyAnswering(
  answer: () => Response,
  options: Partial<ProxyOptions> = {},
): (request: Request) => Promise<Response> {
  const fetch: FetchLike = () => Promise.resolve(answer());
  return createProxy({ apiKey: KEY, fetch, ...options });
}

function get(path = `/tasks/${TASK}`): Request {
  return new Request(PROXY, { headers: { "x-inf-target-url": API + path } });
}

describe("Redactor", () => {
  it("finds every spelling of the key, and leaves other text alone", () => {
    const redactor = new Redactor(KEY);
    for (const [name, spelling] of Object.entries(SPELLINGS)) {
      assert.equal(redactor.text(`a ${spelling} b`), "a [redacted] b", name);
    }
    // Under 12 characters of the key in a row, text is text.
    const text = "no key here: inf_k3y+/=& but not all of it, %2B, \\u0026";
    assert.equal(redactor.text(text), text);
  });

  it("redacts a fragment of a long key (12 characters of it in a row), split anywhere", async () => {
    const redactor = new Redactor(KEY);
    // An excerpt cut inside the key, and the rest of it after the cut, as the client redacts them.
    const body = new TextEncoder().encode(
      `{"excerpt":"${KEY.slice(0, 15)}…","tail":"${KEY.slice(-14)}"}\n{"ok":true}\n`,
    );
    const expected = '{"excerpt":"[redacted]…","tail":"[redacted]"}\n{"ok":true}\n';
    assert.equal(redactor.text(new TextDecoder().decode(body)), expected);
    for (let cut = 1; cut < body.length; cut++) {
      const text = await new Response(
        new Blob([body.subarray(0, cut), body.subarray(cut)]).stream().pipeThrough(
          redactor.stream(),
        ),
      ).text();
      assert.equal(text, expected, `cut at ${cut}`);
    }
  });

  it("takes a short secret (a test key) only where it stands alone, as the client does", async () => {
    const redactor = new Redactor("k");
    assert.equal(redactor.text('{"key":"k","kind":"ok"}'), '{"key":"[redacted]","kind":"ok"}');
    const chunks = ['{"a":"', "k", '","b":"k', 'x"}'].map((c) => new TextEncoder().encode(c));
    const source = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const text = await new Response(source.pipeThrough(redactor.stream())).text();
    assert.equal(text, '{"a":"[redacted]","b":"kx"}');
  });

  it("redacts a key split across stream chunks at any byte, holding back no more than it must", async () => {
    const redactor = new Redactor(KEY);
    for (const [name, spelling] of Object.entries(SPELLINGS)) {
      const body = new TextEncoder().encode(`{"line":1}\n{"echo":"${spelling}"}\n{"line":3}\n`);
      for (let cut = 1; cut < body.length; cut++) {
        const text = await new Response(
          new Blob([body.subarray(0, cut), body.subarray(cut)]).stream().pipeThrough(
            redactor.stream(),
          ),
        ).text();
        assert.equal(
          text,
          '{"line":1}\n{"echo":"[redacted]"}\n{"line":3}\n',
          `${name}, cut at ${cut}`,
        );
      }
    }
  });

  it("passes a line on at once when nothing in it may begin the key", async () => {
    const redactor = new Redactor(KEY);
    const transform = redactor.stream();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(new TextEncoder().encode('{"status":"running"}\n'));
    // The upstream is still open: the line must already be readable.
    const { value } = await reader.read();
    assert.equal(new TextDecoder().decode(value), '{"status":"running"}\n');
    await writer.close();
  });
});

describe("the key through the proxy", () => {
  it("is redacted from a relayed body, whole or streamed, in every spelling", async () => {
    for (const [name, spelling] of Object.entries(SPELLINGS)) {
      for (const type of ["application/json", "application/x-ndjson", "text/html"]) {
        for (const status of [200, 400, 500]) {
          const proxy = proxyAnswering(() =>
            new Response(`{"detail":"Bearer ${spelling}"}`, {
              status,
              headers: { "content-type": type },
            })
          );
          const response = await proxy(get());
          const text = await response.text();
          assert.equal(response.status, status);
          assert.equal(text, '{"detail":"Bearer [redacted]"}', `${name}, ${type}, ${status}`);
        }
      }
    }
  });

  it("is redacted from relayed headers", async () => {
    const proxy = proxyAnswering(() =>
      new Response("{}", {
        headers: { "x-echo": `Bearer ${KEY}`, "x-echo-url": `?k=${encodeURIComponent(KEY)}` },
      })
    );
    const response = await proxy(get());
    await response.body?.cancel();
    assert.equal(response.headers.get("x-echo"), "Bearer [redacted]");
    assert.equal(response.headers.get("x-echo-url"), "?k=[redacted]");
  });

  it("is redacted from the 502 of an API the proxy cannot reach", async () => {
    const fetch: FetchLike = () =>
      Promise.reject(new TypeError(`connect failed: ${encodeURIComponent(KEY)}`));
    const response = await createProxy({ apiKey: KEY, fetch })(get());
    assert.equal(response.status, 502);
    const text = await response.text();
    assert.ok(!text.includes(KEY) && !text.includes(encodeURIComponent(KEY)), text);
  });

  it("never rejects: an error thrown inside is a 500 problem, the key redacted", async () => {
    const proxy = createProxy({
      apiKey: KEY,
      authorize: () => {
        throw new Error(`hook failed near ${JSON.stringify(KEY)}`);
      },
    });
    const response = await proxy(get());
    assert.equal(response.status, 500);
    const body = await response.json();
    assert.equal(body.code, "internal_error");
    assert.ok(!JSON.stringify(body).includes(JSON.stringify(KEY).slice(1, -1)), body.detail);
  });

  it("turns an upstream redirect into a 502, relaying neither it nor its Location", async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const proxy = proxyAnswering(() =>
        new Response(null, { status, headers: { location: "https://evil.example/steal" } })
      );
      const response = await proxy(get());
      assert.equal(response.status, 502, String(status));
      assert.equal(response.headers.get("location"), null);
      assert.match((await response.json()).detail, /redirect/);
    }
  });
});

describe("the proxy's key", () => {
  const BAD = ["inf_a\nb", "inf_a\rb", "inf_a\0b", "inf a", "inf_\tb", "inf_é"];

  it("is refused when it holds what no header can carry, without being quoted", async () => {
    for (const key of BAD) {
      assert.throws(
        () => createProxy({ apiKey: key }),
        (e: unknown) =>
          e instanceof TypeError && /'apiKey'/.test(e.message) && !e.message.includes(key),
        JSON.stringify(key),
      );
      let called = false;
      const proxy = createProxy({
        apiKey: () => key,
        fetch: () => {
          called = true;
          return Promise.resolve(Response.json({}));
        },
      });
      const response = await proxy(get());
      assert.equal(response.status, 500);
      const body = await response.json();
      assert.equal(body.code, "invalid_api_key");
      assert.ok(!JSON.stringify(body).includes(JSON.stringify(key).slice(1, -1)));
      assert.equal(called, false);
    }
  });

  it("comes from INFERENCE_API_KEY when apiKey is not given, read on each request", async () => {
    const env = environment();
    const before = env.get("INFERENCE_API_KEY");
    const seen: (string | null)[] = [];
    const proxy = createProxy({
      fetch: (_input, init) => {
        seen.push(new Headers(init?.headers).get("authorization"));
        return Promise.resolve(Response.json({}));
      },
    });
    try {
      env.set("INFERENCE_API_KEY", "inf_from_env_1");
      await (await proxy(get())).body?.cancel();
      env.set("INFERENCE_API_KEY", "inf_from_env_2");
      await (await proxy(get())).body?.cancel();
      env.delete("INFERENCE_API_KEY");
      const missing = await proxy(get());
      assert.equal(missing.status, 500);
      const body = await missing.json();
      assert.equal(body.code, "missing_api_key");
      assert.match(body.detail, /INFERENCE_API_KEY/);
    } finally {
      if (before === undefined) env.delete("INFERENCE_API_KEY");
      else env.set("INFERENCE_API_KEY", before);
    }
    assert.deepEqual(seen, ["Bearer inf_from_env_1", "Bearer inf_from_env_2"]);
  });
});

/** The process environment of Deno, or Node and Bun. */
function environment(): {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
} {
  const scope = globalThis as {
    Deno?: { env: ReturnType<typeof environment> };
    process?: { env: Record<string, string | undefined> };
  };
  if (scope.Deno) return scope.Deno.env;
  const vars = scope.process!.env;
  return {
    get: (name) => vars[name],
    set: (name, value) => void (vars[name] = value),
    delete: (name) => void delete vars[name],
  };
}

describe("the proxy's deadline", () => {
  it("cancels an upstream call that does not answer in timeoutMs, with a 504", async () => {
    let upstream: AbortSignal | undefined;
    const proxy = createProxy({
      apiKey: KEY,
      timeoutMs: 1,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) => {
          upstream = init?.signal ?? undefined;
          upstream?.addEventListener("abort", () => reject(upstream?.reason), { once: true });
        }),
    });
    const response = await proxy(get());
    assert.equal(response.status, 504);
    const body = await response.json();
    assert.deepEqual([body.code, body.option], ["gateway_timeout", "timeoutMs"]);
    assert.equal(upstream?.aborted, true);
  });
});
