/// <reference lib="deno.ns" />
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference, InferenceError, RateLimitError } from "../../mod.ts";
import type { ResponseMessage } from "../../src/types.ts";
import { resolveConfig } from "../../src/http/config.ts";
import { HttpClient, MAX_ERROR_BODY_BYTES } from "../../src/http/core.ts";
import { parseRateLimitReset } from "../../src/http/retry.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { endless, hasDeno, hostile } from "../_loopback.ts";

const KEY = "inf_answers_key_0123456789";

/** A fetch answering every call with `answer()`. */
function answering(answer: () => Response): (input: string | URL | Request) => Promise<Response> {
  return () => Promise.resolve(answer());
}

const text = (body: string, type = "application/json", status = 200) =>
  new Response(body, { status, headers: { "content-type": type } });

describe("every 2xx answer is checked", () => {
  const BAD: Record<string, () => Response> = {
    "an empty body": () => text(""),
    "a 204": () => new Response(null, { status: 204 }),
    "a body that is not JSON": () => text("<html>login</html>", "text/html"),
    "data: null": () => text('{"data":null,"messages":[]}'),
    "a bare null": () => text("null"),
    "a list": () => text('{"data":[1,2]}'),
    "a number": () => text("3"),
    "an object without an id": () => text('{"data":{"status":1}}'),
    "an empty id": () => text('{"data":{"id":"","status":1}}'),
    "success: false": () =>
      text('{"success":false,"status":200,"error":{"code":"x","message":"it broke"}}'),
  };
  const CALLS: Record<
    string,
    [string, (client: ReturnType<typeof inference>) => Promise<unknown>]
  > = {
    "tasks.run with wait: false": [
      'run app "a/b"',
      (client) => client.tasks.run({ app: "a/b", input: {} }, { wait: false }),
    ],
    "tasks.run": ['run app "a/b"', (client) => client.tasks.run({ app: "a/b", input: {} })],
    "tasks.get": ['get task "t1"', (client) => client.tasks.get("t1")],
    "sessions.get": ['get session "s1"', (client) => client.sessions.get("s1")],
    "sessions.keepalive": ['keep session "s1" alive', (client) => client.sessions.keepalive("s1")],
    "files.get": ['get file "f1"', (client) => client.files.get("f1")],
    "chats.get": ['get chat "c1"', (client) => client.chats.get("c1")],
    "apps.get": ['get app "a/b"', (client) => client.apps.get("a/b")],
    "agent.getChat": [
      'get chat "c1"',
      (client) => client.agents.create("a/b@v1").getChat("c1"),
    ],
  };
  for (const [callName, [action, call]] of Object.entries(CALLS)) {
    for (const [answerName, answer] of Object.entries(BAD)) {
      it(`${callName} answered ${answerName} is an InferenceError naming the call`, async () => {
        const client = inference({ apiKey: KEY, fetch: answering(answer), maxRetries: 0 });
        await assert.rejects(call(client), (error: unknown) => {
          assert.ok(error instanceof InferenceError, `not an InferenceError: ${error}`);
          assert.ok(error.message.startsWith(`Cannot ${action}: the API answered`), error.message);
          return true;
        });
      });
    }
  }

  it("a list call reads data: null as an empty list, and anything else not a list is an error", async () => {
    const empty = inference({ apiKey: KEY, fetch: answering(() => text('{"data":null}')) });
    assert.deepEqual(await empty.sessions.list(), []);
    const odd = inference({ apiKey: KEY, fetch: answering(() => text('{"data":{"a":1}}')) });
    await assert.rejects(odd.sessions.list(), /Cannot list sessions: .*where a list was due/);
  });

  it("a cancel or a delete still accepts an empty answer", async () => {
    const client = inference({ apiKey: KEY, fetch: answering(() => text("")) });
    await client.tasks.cancel("t1");
    await client.sessions.end("s1");
  });
});

describe("bodies are read up to a cap", { skip: !hasDeno }, () => {
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));

  it("an endless 500 body: 1 MiB is kept, the rest is never read", async () => {
    const pulled = { bytes: 0 };
    await hostile(
      () => new Response(endless(chunk, pulled), { status: 500 }),
      async (base) => {
        const client = inference({ apiKey: KEY, baseUrl: base, maxRetries: 0 });
        const error = await client.tasks.get("t1").catch((reason) => reason);
        assert.ok(error instanceof InferenceError, String(error));
        assert.equal(error.status, 500);
        assert.ok((error.body?.length ?? 0) <= MAX_ERROR_BODY_BYTES + 100);
        assert.match(error.body ?? "", /truncated at 1048576 bytes/);
      },
    );
    // The server may have buffered ahead of the reader, but not without bound.
    assert.ok(pulled.bytes < 64 * MAX_ERROR_BODY_BYTES, `pulled ${pulled.bytes} bytes`);
  });

  it("an endless 200 text/html body is an error after 1 MiB too", async () => {
    const pulled = { bytes: 0 };
    await hostile(
      () => new Response(endless(chunk, pulled), { headers: { "content-type": "text/html" } }),
      async (base) => {
        const client = inference({ apiKey: KEY, baseUrl: base, maxRetries: 0 });
        await assert.rejects(client.tasks.get("t1"), /Cannot get task "t1": .*not JSON/);
      },
    );
    assert.ok(pulled.bytes < 64 * MAX_ERROR_BODY_BYTES, `pulled ${pulled.bytes} bytes`);
  });
});

describe("a 429 without Retry-After waits until X-RateLimit-Reset", () => {
  const NOW = 1_764_000_000_000;
  function client(answers: Response[], slept: number[]): HttpClient {
    let index = 0;
    return new HttpClient(
      resolveConfig({
        apiKey: KEY,
        maxRetries: 2,
        fetch: () => Promise.resolve(answers[index++]!),
      }),
      { now: () => NOW, sleep: (ms) => (slept.push(ms), Promise.resolve()), baseDelayMs: 1 },
    );
  }
  const limited = (reset: string) =>
    new Response('{"title":"slow down"}', {
      status: 429,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
    });

  it("in Unix seconds (the documented form), then succeeds", async () => {
    const slept: number[] = [];
    const http = client([limited(String(NOW / 1000 + 3)), text('{"data":{"id":"t"}}')], slept);
    const call = { method: "GET", path: "/t", action: "get", retry: "idempotent" } as const;
    assert.deepEqual(await http.json(call), { id: "t" });
    assert.deepEqual(slept, [3000]);
  });

  it("does not sleep through a reset further than Retry-After's cap", async () => {
    const slept: number[] = [];
    const http = client([limited(String(NOW / 1000 + 3600))], slept);
    const call = { method: "GET", path: "/t", action: "get", retry: "idempotent" } as const;
    await assert.rejects(http.json(call), (error: unknown) => {
      assert.ok(error instanceof RateLimitError);
      assert.equal(error.retryAfterMs, 3_600_000);
      return true;
    });
    assert.deepEqual(slept, []);
  });

  it("reads milliseconds, seconds from now, and ignores a past or odd reset", () => {
    const headers = (value: string) => new Headers({ "x-ratelimit-reset": value });
    assert.equal(parseRateLimitReset(headers(String(NOW + 1500)), NOW), 1500);
    assert.equal(parseRateLimitReset(headers("20"), NOW), 20_000);
    assert.equal(parseRateLimitReset(headers(String(NOW / 1000 - 5)), NOW), undefined);
    assert.equal(parseRateLimitReset(headers("soon"), NOW), undefined);
    assert.equal(parseRateLimitReset(new Headers(), NOW), undefined);
  });
});

describe("the envelope's messages reach onMessage", () => {
  const notice: ResponseMessage = {
    level: "warning",
    code: "concurrency_limit",
    message: "3 queued",
  };

  it("with the call they came with, and only when there are some", async () => {
    const seen: [ResponseMessage[], string][] = [];
    let body = JSON.stringify({ data: { id: "t1", status: 1 }, messages: [notice] });
    const client = inference({
      apiKey: KEY,
      fetch: () => Promise.resolve(text(body)),
      onMessage: (messages, { action }) => seen.push([messages, action]),
    });
    await client.tasks.get("t1");
    body = JSON.stringify({ data: { id: "t1", status: 1 }, messages: [] });
    await client.tasks.get("t1");
    assert.deepEqual(seen, [[[notice], 'get task "t1"']]);
  });

  it("from the emulator's envelope, on a run", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    const seen: [ResponseMessage[], string][] = [];
    try {
      const client = inference({
        apiKey: KEY,
        fetch: emulator.fetch,
        onMessage: (messages, { action }) => seen.push([messages, action]),
      });
      emulator.faults.noticeNext({ level: "warning", code: "c", message: notice.message! }, {
        path: "/apps/run",
      });
      await client.tasks.run({ app: "infsh/echo", input: {} });
    } finally {
      emulator.close();
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0]![0][0]?.message, notice.message);
    assert.equal(seen[0]![1], 'run app "infsh/echo"');
  });

  it("a callback that throws does not fail a call that succeeded", async () => {
    const client = inference({
      apiKey: KEY,
      fetch: () =>
        Promise.resolve(text(JSON.stringify({ data: { id: "t1" }, messages: [notice] }))),
      onMessage: () => {
        throw new Error("bug in the app");
      },
    });
    assert.equal((await client.tasks.get("t1")).id, "t1");
  });

  it("refuses an onMessage that is not a function", () => {
    assert.throws(
      // @ts-expect-error: the wrong type on purpose
      () => inference({ apiKey: KEY, onMessage: "log" }),
      /'onMessage' must be a function/,
    );
  });
});

describe("apiKey from INFERENCE_API_KEY", { skip: !hasDeno }, () => {
  it("is read when inference() is called, and sent", async () => {
    let sent: string | null = null;
    const fetch = (_: unknown, init?: RequestInit) => {
      sent = new Headers(init?.headers).get("authorization");
      return Promise.resolve(text('{"data":{"id":"t1"}}'));
    };
    const previous = Deno.env.get("INFERENCE_API_KEY");
    Deno.env.set("INFERENCE_API_KEY", "inf_from_the_environment_01");
    let client;
    try {
      client = inference({ fetch });
    } finally {
      if (previous === undefined) Deno.env.delete("INFERENCE_API_KEY");
      else Deno.env.set("INFERENCE_API_KEY", previous);
    }
    await client.tasks.get("t1");
    assert.equal(sent, "Bearer inf_from_the_environment_01");
    // A key read with its line feed is refused, naming the variable, not quoting the key.
    Deno.env.set("INFERENCE_API_KEY", "inf_from_the_environment_01\n");
    try {
      assert.throws(
        () => inference({ fetch }),
        (error: Error) =>
          /INFERENCE_API_KEY environment variable contains whitespace/.test(error.message) &&
          !error.message.includes("inf_from"),
      );
    } finally {
      if (previous === undefined) Deno.env.delete("INFERENCE_API_KEY");
      else Deno.env.set("INFERENCE_API_KEY", previous);
    }
    // An explicit key, token provider or proxy wins; without any, the message names the variable.
    assert.throws(() => inference({ fetch }), /INFERENCE_API_KEY/);
  });

  it("a denied permission is not an error, and the message names the variable", async () => {
    const program = `
      import { inference } from "${new URL("../../mod.ts", import.meta.url).href}";
      try { inference({}); console.log("created"); }
      catch (error) { console.log(error.constructor.name + ": " + error.message); }`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-check", "--allow-read", "-"],
      stdin: "piped",
      env: { INFERENCE_API_KEY: "inf_never_read_0123456789" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(program));
    await writer.close();
    const output = await child.output();
    const said = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.match(said, /^TypeError: .*'apiKey' is required.*INFERENCE_API_KEY/);
  });
});
