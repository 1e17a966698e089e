import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference, UploadError } from "../../mod.ts";
import { setup } from "../tasks/_setup.ts";
import { bytesOf, createdFiles, requestsTo, sha256, streamOf } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const SHA256_OF_HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

/** The body `POST /apps/run` carried. */
function runBody(env: ReturnType<typeof setup>): Record<string, unknown> {
  const [run] = requestsTo(env.emulator, "run");
  assert.ok(run, "POST /apps/run was sent");
  return JSON.parse(run.body);
}

describe("tasks.run() uploads the files in its input", () => {
  it("finds files at any depth of objects and arrays and replaces each with its uri", async () => {
    using env = setup({ stepMs: 0 });
    const a = bytesOf(1000, 1);
    const b = bytesOf(70_000, 2);
    const c = bytesOf(3, 3);
    const input = {
      prompt: "keep me",
      images: [new Blob([a], { type: "image/png" }), { nested: [b, "x"] }],
      deep: { deeper: { buffer: c.slice().buffer, uri: "data:text/plain,hello" } },
      stream: streamOf(bytesOf(5, 4)),
      named: new File([a], "pic.png", { type: "image/png" }),
    };
    const task = await env.client.tasks.run({ app: "infsh/file-info", input });
    // Every file became a URI of the emulator before the task was created.
    const body = runBody(env).input as Record<string, Any>;
    const uris = [
      body.images[0],
      body.images[1].nested[0],
      body.deep.deeper.buffer,
      body.deep.deeper.uri,
      body.stream,
      body.named,
    ];
    for (const uri of uris) {
      assert.match(uri, /^https:\/\/[^/]+\/__files\/[0-7][0-9a-hjkmnp-tv-z]{25}\//);
    }
    assert.equal(new Set(uris).size, 6);
    assert.equal(body.prompt, "keep me");
    assert.equal(body.images[1].nested[1], "x");
    const calls = env.emulator.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, "")}`);
    const lastPut = calls.findLastIndex((c) => c.startsWith("PUT /__storage/"));
    assert.equal(calls.filter((c) => c.startsWith("PUT /__storage/")).length, 6);
    assert.ok(calls.indexOf("POST /apps/run") > lastPut, "the task is created after every upload");
    // The app got the exact bytes.
    const out = task.output as Record<string, Any>;
    assert.equal(out.images[0].sha256, await sha256(a));
    assert.equal(out.images[0].content_type, "image/png");
    assert.equal(out.images[1].nested[0].sha256, await sha256(b));
    assert.equal(out.deep.deeper.buffer.sha256, await sha256(c));
    assert.equal(out.deep.deeper.uri.sha256, SHA256_OF_HELLO);
    assert.equal(out.deep.deeper.uri.content_type, "text/plain");
    assert.equal(out.stream.size, 5);
    assert.equal(out.named.filename, "pic.png");
  });

  it("never takes an ordinary string for a file: a SHA-256 hex digest passes untouched", async () => {
    using env = setup({ stepMs: 0 });
    const input = {
      digest: SHA256_OF_HELLO,
      base64ish: "QUJDRA".repeat(16),
      prose: "data: 42 rows were read",
      url: "https://example.com/a.png",
    };
    const task = await env.client.tasks.run({ app: "infsh/echo", input });
    assert.deepEqual(runBody(env).input, input);
    assert.deepEqual(task.output, input);
    assert.equal(requestsTo(env.emulator, "create").length, 0);
  });

  it("uploads the same value once, wherever it appears", async () => {
    using env = setup({ stepMs: 0 });
    const blob = new Blob(["same"]);
    const uri = "data:text/plain,again";
    await env.client.tasks.run({
      app: "infsh/echo",
      input: { a: blob, b: [blob, { c: blob }], d: uri, e: [uri] },
    });
    assert.equal(requestsTo(env.emulator, "create").length, 2);
    const body = runBody(env).input as Record<string, Any>;
    assert.equal(body.a, body.b[0]);
    assert.equal(body.a, body.b[1].c);
    assert.equal(body.d, body.e[0]);
    assert.notEqual(body.a, body.d);
  });

  it("uploads at most uploadConcurrency files at once", async () => {
    using env = setup({ stepMs: 0 });
    let active = 0;
    let most = 0;
    const fetch: typeof env.emulator.fetch = async (input, init) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      if (path === "/files") most = Math.max(most, ++active);
      const response = await env.emulator.fetch(request);
      if (path.startsWith("/__storage/")) active--;
      return response;
    };
    const client = inference({ apiKey: "k", fetch });
    const input = { files: Array.from({ length: 7 }, (_, i) => new Uint8Array([i])) };
    await client.tasks.run({ app: "infsh/echo", input }, { uploadConcurrency: 2, wait: false });
    assert.equal(most, 2);
    assert.equal(requestsTo(env.emulator, "put").length, 7);
    most = 0;
    await client.tasks.run({ app: "infsh/echo", input }, { uploadConcurrency: 1, wait: false });
    assert.equal(most, 1);
  });

  it("stops at the first failed upload, naming the input field, and creates no task", async () => {
    using env = setup({}, { maxRetries: 0 });
    env.emulator.faults.failNext(500, { path: "/__storage/" });
    const error = await env.client.tasks.run({
      app: "infsh/echo",
      input: { list: [new Uint8Array(1)], other: new Uint8Array(2) },
    }, { uploadConcurrency: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof UploadError, String(error));
    assert.equal(error.field, "input.list[0]");
    assert.equal(error.step, "upload");
    assert.equal(error.status, 500);
    assert.match(error.message, /input\.list\[0\]/);
    assert.equal(requestsTo(env.emulator, "run").length, 0);
    assert.equal(requestsTo(env.emulator, "create").length, 1, "the second file was never started");
  });

  it("sends a Date as its ISO string and unboxes boxed primitives, as JSON does", async () => {
    using env = setup({ stepMs: 0 });
    const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    await env.client.tasks.run({
      app: "infsh/echo",
      input: {
        when,
        list: [when],
        n: new Number(3),
        s: new String("x"),
        u: new URL("https://a.b/c"),
      },
    }, { wait: false });
    assert.deepEqual(runBody(env).input, {
      when: "2026-01-02T03:04:05.000Z",
      list: ["2026-01-02T03:04:05.000Z"],
      n: 3,
      s: "x",
      u: "https://a.b/c",
    });
  });

  it("rejects what JSON would flatten or drop with a TypeError naming the path, before any request", async () => {
    using env = setup();
    class Point {
      x = 1;
    }
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ a: { b: [1, new Map()] } }, /'input\.a\.b\[1\]' is a Map, which JSON would send as \{\}/],
      [{ set: new Set([1]) }, /'input\.set' is a Set/],
      [{ p: new Point() }, /'input\.p' is a Point.*toJSON/],
      [{ "odd key": new Float32Array(2) }, /'input\["odd key"\]' is a Float32Array.*Array\.from/],
      [{ f: () => 1 }, /'input\.f' is a function/],
      [{ n: 10n }, /'input\.n' is a bigint/],
      [{ c: cyclic }, /'input\.c\.self' refers back to itself/],
      [
        { img: "data:image/png;base64,!!!" },
        /'input\.img' \(a base64 data URI\) is not valid base64/,
      ],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(
        env.client.tasks.run({ app: "infsh/echo", input }),
        (e: unknown) => e instanceof TypeError && message.test(e.message),
        String(message),
      );
    }
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/echo", input: new Date() as never }),
      /'input' must be a plain object/,
    );
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/echo", input: {} }, { uploadConcurrency: 0 }),
      RangeError,
    );
    assert.equal(env.emulator.requests.length, 0);
  });

  it("fails the app when a URI names a file whose bytes never arrived", async () => {
    using env = setup({ stepMs: 0 });
    const response = await env.emulator.fetch("https://api.inference.sh/files", {
      method: "POST",
      headers: { authorization: "Bearer k" },
      body: JSON.stringify({ files: [{ uri: "", filename: "never.bin" }] }),
    });
    const [file] = (await response.json()).data;
    const task = await env.client.tasks.run({ app: "infsh/file-info", input: { file: file.uri } });
    assert.equal(task.status, 11);
    assert.match(String(task.error), /never uploaded/);
    assert.deepEqual(createdFiles(env.emulator), [{ uri: "", filename: "never.bin" }]);
  });
});
