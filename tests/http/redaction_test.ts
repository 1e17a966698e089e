import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ApiConnectionError,
  inference,
  InferenceError,
  SessionNotFoundError,
  StreamError,
  UploadError,
} from "../../mod.ts";
import { Redactor } from "../../src/http/redact.ts";
import { hasDeno, hostile } from "../_loopback.ts";

/** A key with every character an echo may spell differently. */
const KEY = 'inf_Ab+/=&"Zq9_secret';
/** The spellings a hostile server echoes the key in. */
const ECHOES: Record<string, (key: string) => string> = {
  raw: (key) => key,
  "JSON-escaped": (key) => JSON.stringify(key).slice(1, -1),
  "JSON with \\/": (key) => JSON.stringify(key).slice(1, -1).replaceAll("/", "\\/"),
  "Go's \\u0026": (key) =>
    JSON.stringify(key).slice(1, -1).replaceAll("&", "\\u0026").replaceAll("+", "\\u002B"),
  "JSON-escaped twice": (key) => JSON.stringify(JSON.stringify(key).slice(1, -1)).slice(1, -1),
  "encodeURIComponent (%2B)": (key) => encodeURIComponent(key),
  "lower-case percent": (key) =>
    encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
  "form-encoded (+)": (key) => new URLSearchParams({ k: key }).toString().slice(2),
  "form-decoded (+ as space)": (key) => key.replaceAll("+", " "),
  "double-encoded": (key) => encodeURIComponent(encodeURIComponent(key)),
};

/** Asserts no field of `error` holds any spelling of any of `secrets`. */
function assertClean(error: unknown, secrets: string[]): void {
  assert.ok(error instanceof InferenceError, `an InferenceError: ${error}`);
  for (const text of strings(error)) {
    for (const secret of secrets) {
      for (const [name, spell] of Object.entries(ECHOES)) {
        assert.ok(!text.includes(spell(secret)), `${name} spelling leaked in: ${text}`);
      }
    }
  }
}

/** Every string reachable from an error: message, stack, own fields, cause chain. */
function strings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null || seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  const record = value as Record<string, unknown>;
  const keys = new Set(Object.keys(record));
  if (value instanceof Error) { for (const key of ["message", "stack", "cause"]) keys.add(key); }
  for (const key of keys) out.push(...strings(record[key], seen));
  return out;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

describe("Redactor", () => {
  it("removes every spelling, leaves other text, and keeps short keys' neighbours intact", () => {
    const redactor = new Redactor();
    redactor.add(KEY);
    for (const [name, spell] of Object.entries(ECHOES)) {
      assert.equal(redactor.text(`a ${spell(KEY)} b`), "a [redacted] b", name);
    }
    // A fragment left by a cut (an excerpt, a runtime's JSON error) goes too.
    const cut = `${"x".repeat(10)}${KEY.slice(0, 14)}… (300 chars) and ${KEY.slice(6)}"`;
    assert.equal(redactor.text(cut), 'xxxxxxxxxx[redacted]… (300 chars) and [redacted]"');
    // Under 12 characters in a row, text is text.
    assert.equal(redactor.text('inf_Ab+/=&" and inf_A'), 'inf_Ab+/=&" and inf_A');
    const short = new Redactor();
    short.add("k1");
    assert.equal(short.text("Bearer k1, task k1x, lk1"), "Bearer [redacted], task k1x, lk1");
  });
});

describe("no error of the client holds the key", { skip: !hasDeno }, () => {
  /** How a server's JSON encoder may write the body: plain, `/` escaped, Go's HTML-safe escapes. */
  const WIRES: Record<string, (json: string) => string> = {
    "": (json) => json,
    ", written with \\/": (json) => json.replaceAll("/", "\\/"),
    ", written by Go (\\u0026)": (json) =>
      json.replaceAll("&", "\\u0026").replaceAll("+", "\\u002b").replaceAll("<", "\\u003c"),
  };
  for (const [name, spell] of Object.entries(ECHOES)) {
    for (const [wireName, wire] of Object.entries(WIRES)) {
      it(`in a 400 problem whose detail, title and extension echo it ${name}${wireName}`, async () => {
        await hostile(() => {
          const echoed = `<bad key> ${spell(KEY)}`;
          const body = wire(JSON.stringify({ title: echoed, detail: echoed, seen: [echoed] }));
          return new Response(body, {
            status: 400,
            headers: { "content-type": "application/problem+json" },
          });
        }, async (base) => {
          const client = inference({ apiKey: KEY, baseUrl: base });
          const error = await caught(client.tasks.get("t1"));
          assertClean(error, [KEY]);
          assert.match((error as InferenceError).detail ?? "", /^<bad key> .*\[redacted\]/);
        });
      });
    }
  }

  it("in messages and lines cut off in the middle of the key", async () => {
    await hostile((request) => {
      const url = new URL(request.url);
      const auth = request.headers.get("authorization") ?? "";
      if (url.pathname === "/apps/run") {
        return Response.json({ data: { id: "t1", status: 1 }, messages: [] });
      }
      if (url.pathname === "/tasks/t1/stream") {
        // The 120-character excerpt of this line ends inside the key.
        return new Response(`{"pad":"${"p".repeat(80)}","echo":"${auth}\n`, {
          headers: { "content-type": "application/x-ndjson" },
        });
      }
      // The 300-character excerpt of this detail ends inside the key.
      return Response.json({ detail: `${"d".repeat(270)} ${auth}` }, { status: 400 });
    }, async (base) => {
      const client = inference({ apiKey: KEY, baseUrl: base });
      const fragment = KEY.slice(0, 12);
      for (
        const error of [
          await caught(client.tasks.get("t1")),
          await caught(client.tasks.run({ app: "a/b", input: {} }, {
            autoReconnect: false,
            fallbackToPolling: false,
          })),
        ]
      ) {
        assertClean(error, [KEY]);
        for (const text of strings(error)) assert.ok(!text.includes(fragment), text);
      }
    });
  });

  it("in a 200 text/html body echoing the Authorization header", async () => {
    await hostile(
      (request) =>
        new Response(`<html>${request.headers.get("authorization")}</html>`, {
          headers: { "content-type": "text/html" },
        }),
      async (base) => {
        const client = inference({ apiKey: KEY, baseUrl: base });
        const error = await caught(client.tasks.get("t1"));
        assertClean(error, [KEY]);
        assert.match((error as Error).message, /Bearer \[redacted\]/);
      },
    );
  });

  it("in a 5xx body after the retries", async () => {
    await hostile(
      (request) => new Response(`oops ${request.headers.get("authorization")}`, { status: 503 }),
      async (base) => {
        const client = inference({ apiKey: KEY, baseUrl: base, maxRetries: 1 });
        assertClean(await caught(client.tasks.get("t1")), [KEY]);
      },
    );
  });

  for (const [name, spell] of Object.entries(ECHOES)) {
    it(`in a malformed stream line (StreamError.line) echoing it ${name}`, async () => {
      await hostile((request) => {
        const url = new URL(request.url);
        if (url.pathname === "/apps/run") {
          return Response.json({ data: { id: "t1", status: 1 }, messages: [] });
        }
        if (url.pathname === "/tasks/t1/stream") {
          const key = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
          return new Response(`{"echo":"Bearer ${spell(key)}\n`, {
            headers: { "content-type": "application/x-ndjson" },
          });
        }
        return new Response("not here", { status: 404 });
      }, async (base) => {
        const client = inference({ apiKey: KEY, baseUrl: base });
        const error = await caught(
          client.tasks.run({ app: "a/b", input: {} }, {
            autoReconnect: false,
            fallbackToPolling: false,
          }),
        );
        assert.ok(error instanceof StreamError, String(error));
        assertClean(error, [KEY]);
      });
    });
  }

  it("in a malformed chat stream line", async () => {
    await hostile((request) => {
      if (new URL(request.url).pathname === "/chats/c1/stream") {
        return new Response(`{"echo":"${request.headers.get("authorization")}\n`, {
          headers: { "content-type": "application/x-ndjson" },
        });
      }
      return new Response(`nothing: ${request.headers.get("authorization")}`, { status: 404 });
    }, async (base) => {
      const client = inference({ apiKey: KEY, baseUrl: base });
      const agent = client.agents.create("my-org/assistant@abc123");
      const error = await caught((async () => {
        for await (const _ of agent.streamChat("c1", { maxReconnects: 0 })) break;
      })());
      assertClean(error, [KEY]);
    });
  });

  it("in every token getToken returned, the rotated ones included", async () => {
    const echoed: string[] = [];
    await hostile((request) => {
      echoed.push(request.headers.get("authorization") ?? "");
      // The first token is refused; the second answer echoes both.
      if (echoed.length === 1) return new Response(echoed.join(" "), { status: 401 });
      return new Response(`bad: ${echoed.join(" ")}`, { status: 400 });
    }, async (base) => {
      const tokens = ["tok_first_0123456789", "tok_second_0123456789"];
      let asked = 0;
      const client = inference({ getToken: () => tokens[asked++]!, baseUrl: base });
      const error = await caught(client.tasks.get("t1"));
      assert.equal(asked, 2);
      assertClean(error, tokens);
    });
  });

  it("in a connection error whose cause quotes the key", async () => {
    const client = inference({
      apiKey: KEY,
      fetch: () => Promise.reject(new TypeError(`invalid header value "Bearer ${KEY}"`)),
      maxRetries: 0,
    });
    const error = await caught(client.tasks.get("t1"));
    assert.ok(error instanceof ApiConnectionError);
    assertClean(error, [KEY]);
    assert.match(((error as Error).cause as Error).message, /\[redacted\]/);
  });

  for (const [name, spell] of Object.entries(ECHOES)) {
    it(`in an upload's create step echoing it ${name}`, async () => {
      await hostile(
        (request) => {
          const key = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
          return new Response(`no: Bearer ${spell(key)}`, { status: 400 });
        },
        async (base) => {
          const client = inference({ apiKey: KEY, baseUrl: base });
          const error = await caught(client.files.upload(new Uint8Array([1, 2, 3])));
          assert.ok(error instanceof UploadError, String(error));
          assertClean(error, [KEY]);
        },
      );
    });
  }

  it("in an upload whose record answer echoes it where the upload URL should be", async () => {
    await hostile(
      (request) =>
        Response.json({
          data: { id: "f1", uri: "u", upload_url: `ftp://${request.headers.get("authorization")}` },
        }),
      async (base) => {
        const client = inference({ apiKey: KEY, baseUrl: base });
        const error = await caught(client.files.upload(new Uint8Array([1, 2, 3])));
        assert.match(String(error), /upload_url/);
        assertClean(error, [KEY]);
      },
    );
  });

  it("in a session error, which still names the session", async () => {
    await hostile(
      (request) =>
        Response.json({ code: "SESSION_NOT_FOUND", detail: request.headers.get("authorization") }, {
          status: 404,
        }),
      async (base) => {
        const client = inference({ apiKey: KEY, baseUrl: base });
        const error = await caught(client.sessions.get("s1"));
        assert.ok(error instanceof SessionNotFoundError);
        assert.equal(error.sessionId, "s1");
        assertClean(error, [KEY]);
      },
    );
  });
});

describe("keys and tokens that cannot be sent", () => {
  for (const bad of ["inf_abc\ndef_0123456789", "inf_abc\0def_0123456789", "inf abc def_0123"]) {
    it(`rejects ${JSON.stringify(bad)} at inference() without quoting it`, () => {
      assert.throws(
        () => inference({ apiKey: bad, fetch: () => Promise.reject(new Error("sent")) }),
        (error: Error) =>
          error instanceof TypeError && /apiKey/.test(error.message) &&
          !error.message.includes(bad) && !error.message.includes("def_0123"),
      );
    });
  }

  it("rejects a token with a line feed without sending or quoting it", async () => {
    let sent = 0;
    const client = inference({
      getToken: () => "tok_abc\ndef_0123456789",
      fetch: () => {
        sent++;
        return Promise.resolve(new Response("{}"));
      },
    });
    const error = await caught(client.tasks.get("t1"));
    assert.ok(error instanceof TypeError);
    assert.ok(!(error as Error).message.includes("def_0123456789"));
    assert.equal(sent, 0);
  });
});
