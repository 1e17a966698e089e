import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { AuthenticationError, InternalServerError, UploadError } from "../../mod.ts";
import type { UploadData, UploadOptions, UploadProgress } from "../../src/types.ts";
import { Files } from "../../src/files/files.ts";
import { overrideStreamingSupport } from "../../src/files/upload_source.ts";
import { resolveConfig } from "../../src/http/config.ts";
import { HttpClient } from "../../src/http/core.ts";
import { emulatorState } from "../../src/testing/emulator.ts";
import { KEY, setup } from "../tasks/_setup.ts";
import {
  base64,
  bytesOf,
  createdFiles,
  download,
  requestsTo,
  sha256,
  streamOf,
} from "./_helpers.ts";

const MB = 1 << 20;
const TYPE = "application/x-test";

/** Every input kind, each building its data from the same bytes. */
const KINDS: Record<
  string,
  (bytes: Uint8Array<ArrayBuffer>, name: string) => { data: UploadData; options: UploadOptions }
> = {
  "base64 string": (b, name) => ({
    data: base64(b),
    options: { filename: name, contentType: TYPE },
  }),
  "data: URI": (b, name) => ({
    data: `data:${TYPE};name=${encodeURIComponent(name)};base64,${base64(b)}`,
    options: {},
  }),
  "Blob": (b, name) => ({ data: new Blob([b], { type: TYPE }), options: { filename: name } }),
  "File": (b, name) => ({ data: new File([b], name, { type: TYPE }), options: {} }),
  "Uint8Array": (b, name) => ({ data: b, options: { filename: name, contentType: TYPE } }),
  "ArrayBuffer": (b, name) => ({
    data: b.slice().buffer,
    options: { filename: name, contentType: TYPE },
  }),
  "ReadableStream with size": (b, name) => ({
    data: streamOf(b),
    options: { filename: name, contentType: TYPE, size: b.length },
  }),
  "ReadableStream without size": (b, name) => ({
    data: streamOf(b),
    options: { filename: name, contentType: TYPE },
  }),
};

const SIZES = [0, 1, 5 * MB];
const NAME = "résumé 📄 ü.bin";

describe("files.upload() round trips", () => {
  after(() => overrideStreamingSupport(undefined));

  for (const buffered of [false, true]) {
    it(
      `keeps 0 B, 1 B and 5 MB exact from every input kind, with a non-ASCII name${
        buffered ? " (runtime that cannot stream a body)" : ""
      }`,
      async () => {
        overrideStreamingSupport(buffered ? false : undefined);
        using env = setup({ stepMs: 0 });
        using _restore = { [Symbol.dispose]: () => overrideStreamingSupport(undefined) };
        const input: Record<string, string> = {};
        const expected: Record<string, { size: number; sha256: string }> = {};
        for (const size of SIZES) {
          const bytes = bytesOf(size, size + 7);
          const hash = await sha256(bytes);
          for (const [kind, make] of Object.entries(KINDS)) {
            if (buffered && !kind.startsWith("ReadableStream")) continue;
            const { data, options } = make(bytes, NAME);
            const file = await env.client.files.upload(data, options);
            const label = `${kind}, ${size} B`;
            assert.equal(file.filename, NAME, label);
            assert.equal(file.content_type, TYPE, label);
            const got = await download(env.emulator, file.uri);
            assert.equal(got.status, 200, label);
            assert.equal(got.type, TYPE, label);
            assert.equal(got.bytes.length, size, label);
            if (size <= 1) assert.deepEqual(got.bytes, bytes, label);
            else assert.equal(await sha256(got.bytes), hash, label);
            input[`${kind} ${size}`] = file.uri;
            expected[`${kind} ${size}`] = { size, sha256: hash };
          }
        }
        // An app reads the same bytes back by URI.
        const task = await env.client.tasks.run({ app: "infsh/file-info", input });
        const output = task.output as Record<string, Record<string, unknown>>;
        for (const [key, want] of Object.entries(expected)) {
          assert.equal(output[key]?.["size"], want.size, key);
          assert.equal(output[key]?.["sha256"], want.sha256, key);
          assert.equal(output[key]?.["filename"], NAME, key);
        }
      },
    );
  }

  it("declares the size it knows, and only then", async () => {
    using env = setup({ stepMs: 0 });
    await env.client.files.upload(new Uint8Array(3));
    await env.client.files.upload(streamOf(new Uint8Array(4)), { size: 4 });
    await env.client.files.upload(streamOf(new Uint8Array(5)));
    assert.deepEqual(createdFiles(env.emulator).map((f) => f["size"]), [3, 4, undefined]);
    // A stream of declared size asks for Content-Length (Node sends it; Deno streams chunked).
    const puts = requestsTo(env.emulator, "put");
    assert.equal(puts[1]?.headers["content-length"], "4");
    assert.equal(puts[2]?.headers["content-length"], undefined);
  });
});

describe("files.upload() wire", () => {
  it("sends the key to POST /files only: the PUT has no Authorization and no client headers", async () => {
    using env = setup({}, { headers: { "x-team": "team_7", "x-trace": "abc" } });
    const file = await env.client.files.upload(new Blob(["hi"], { type: "text/plain" }));
    const [create] = requestsTo(env.emulator, "create");
    const [put] = requestsTo(env.emulator, "put");
    assert.equal(create?.headers["authorization"], `Bearer ${KEY}`);
    assert.equal(create?.headers["x-team"], "team_7");
    assert.ok(put, "a PUT was made");
    assert.equal(
      put.path,
      new URL(file.upload_url as string).pathname + new URL(file.upload_url as string).search,
    );
    assert.deepEqual(Object.keys(put.headers).sort(), ["content-type"]);
    // The Blob's own type (Bun normalises "text/plain" to "text/plain;charset=utf-8").
    assert.equal(put.headers["content-type"], new Blob([], { type: "text/plain" }).type);
    assert.ok(!JSON.stringify(put).includes(KEY), "the key appears nowhere in the PUT");
  });

  it("sends public, path and the name, and records the same content type it PUTs", async () => {
    using env = setup();
    const file = await env.client.files.upload(new Blob(["{}"], { type: "text/plain" }), {
      filename: "x.json",
      contentType: "application/json",
      path: "/custom/p",
      public: true,
    });
    assert.deepEqual(createdFiles(env.emulator), [{
      uri: "",
      filename: "x.json",
      "content_type": "application/json",
      path: "/custom/p",
      size: 2,
      public: true,
    }]);
    assert.equal(requestsTo(env.emulator, "put")[0]?.headers["content-type"], "application/json");
    assert.equal(file.visibility, "public");
    assert.equal(file.path, "/custom/p");
    await env.client.files.upload(new Uint8Array(1), { public: false });
    assert.equal(createdFiles(env.emulator)[1]?.["public"], false);
  });

  it("takes the content type from the option, the Blob, the data URI, the extension, then octet-stream", async () => {
    using env = setup();
    const cases: Array<[UploadData, UploadOptions, string]> = [
      [new Blob(["a"], { type: "text/plain" }), { contentType: "text/csv" }, "text/csv"],
      [new Blob(["a"], { type: "image/png" }), { filename: "a.jpg" }, "image/png"],
      ["data:text/plain;charset=utf-8,a", { filename: "a.png" }, "text/plain;charset=utf-8"],
      ["data:;base64,YQ==", { filename: "a.webp" }, "image/webp"],
      [new Uint8Array(1), { filename: "clip.MOV" }, "video/quicktime"],
      [new Uint8Array(1), {}, "application/octet-stream"],
      ["YQ==", { filename: "noext" }, "application/octet-stream"],
    ];
    for (const [data, options] of cases) await env.client.files.upload(data, options);
    const recorded = createdFiles(env.emulator).map((f) => f["content_type"]);
    const put = requestsTo(env.emulator, "put").map((r) => r.headers["content-type"]);
    assert.deepEqual(recorded, cases.map(([, , type]) => type));
    assert.deepEqual(put, recorded, "every PUT carries the recorded type");
  });

  it("passes a storage that signs the content type (strict emulator)", async () => {
    using env = setup();
    emulatorState(env.emulator)!.files.strictContentType = true;
    const file = await env.client.files.upload("data:;base64,aGk=", { filename: "h.txt" });
    assert.equal((await download(env.emulator, file.uri)).type, "text/plain");
  });

  it("decodes padded, line-wrapped and URL-safe base64, and percent-encoded data URIs", async () => {
    using env = setup();
    const bytes = new Uint8Array([0xfb, 0xff, 0xfe, 0x00, 0x3e]);
    const standard = base64(bytes); // "+//+AD4="
    const urlSafe = standard.replaceAll("+", "-").replaceAll("/", "_");
    for (
      const text of [
        standard,
        urlSafe,
        standard.slice(0, 4) + "\r\n" + standard.slice(4) + "\n",
      ]
    ) {
      const file = await env.client.files.upload(text);
      assert.deepEqual((await download(env.emulator, file.uri)).bytes, bytes, text);
    }
    const uri = await env.client.files.upload("data:text/plain,%E2%82%AC%FF 100%,é");
    assert.deepEqual(
      (await download(env.emulator, uri.uri)).bytes,
      new Uint8Array([0xe2, 0x82, 0xac, 0xff, 0x20, 0x31, 0x30, 0x30, 0x25, 0x2c, 0xc3, 0xa9]),
    );
  });

  it("reports progress up to the total, and once more when done", async () => {
    using env = setup();
    const bytes = bytesOf(300_000);
    const seen: UploadProgress[] = [];
    await env.client.files.upload(streamOf(bytes, 100_000), {
      size: bytes.length,
      onProgress: (p) => seen.push(p),
    });
    assert.deepEqual(seen.map((p) => p.loaded), [0, 100_000, 200_000, 300_000, 300_000]);
    assert.ok(seen.every((p) => p.total === 300_000));
    const whole: UploadProgress[] = [];
    await env.client.files.upload(new Blob([bytes]), { onProgress: (p) => whole.push(p) });
    assert.deepEqual(whole, [{ loaded: 0, total: 300_000 }, { loaded: 300_000, total: 300_000 }]);
  });
});

describe("files.upload() of a string", () => {
  it("refuses a string that is neither a data: URI nor valid base64, before any request", async () => {
    using env = setup();
    const cases: Array<[string, RegExp]> = [
      ["hello world", /unexpected " " at character 5/],
      ["hello", /lone final character/],
      ["aGk", /padding/], // standard alphabet without its "="
      ["aG=", /padding/],
      ["aGl=", /unused bits/], // "aGk=" is "hi"; "l" sets bits no byte holds
      ["a+b_", /mixes/],
      ["YQ==YQ==", /after "="/],
      ["aGVsbG8h!", /unexpected "!" at character 8/],
      ["é", /unexpected "é"/],
      ["data: 42 rows", /not a valid data URI/],
    ];
    for (const [text, reason] of cases) {
      const error = await env.client.files.upload(text, { filename: "a.txt" }).then(
        () => assert.fail(`${JSON.stringify(text)} was uploaded`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TypeError, `${text}: ${error}`);
      assert.match(error.message, /^Cannot upload file: 'data' is neither a data: URI nor base64/);
      assert.match(error.message, reason, text);
      assert.match(error.message, /new Blob\(\[text\]/, "suggests a Blob for text");
    }
    assert.equal(env.emulator.requests.length, 0, "nothing was sent");
  });

  it("stores exactly the bytes valid base64 encodes", async () => {
    using env = setup();
    for (const [text, bytes] of [["aGk=", "hi"], ["", ""], ["aGVsbG8gd29ybGQ=", "hello world"]]) {
      const file = await env.client.files.upload(text as string);
      assert.deepEqual(
        (await download(env.emulator, file.uri)).bytes,
        new TextEncoder().encode(bytes),
        text,
      );
    }
  });
});

describe("files.upload() failures", () => {
  it("retries a failed PUT of a Blob or bytes, then succeeds", async () => {
    using env = setup();
    env.emulator.faults.failNext(503, { path: "/__storage/", times: 2 });
    const file = await env.client.files.upload(new Blob(["abc"]));
    assert.equal(requestsTo(env.emulator, "put").length, 3);
    assert.equal(requestsTo(env.emulator, "create").length, 1, "the record is not created again");
    assert.deepEqual(
      (await download(env.emulator, file.uri)).bytes,
      new TextEncoder().encode("abc"),
    );
  });

  it("fails with UploadError step upload once the PUT retries are spent", async () => {
    using env = setup({}, { maxRetries: 1 });
    env.emulator.faults.failNext(503, { path: "/__storage/", times: 5 });
    const error = await env.client.files.upload(new Uint8Array(8), { filename: "a.bin" }).then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof UploadError, String(error));
    assert.equal(error.step, "upload");
    assert.equal(error.status, 503);
    assert.ok(error.cause instanceof InternalServerError);
    assert.match(error.message, /a\.bin.*PUT to storage/);
    assert.equal(requestsTo(env.emulator, "put").length, 2);
  });

  it("does not retry a PUT that storage refused (403)", async () => {
    using env = setup();
    env.emulator.faults.failNext(403, { path: "/__storage/" });
    await assert.rejects(env.client.files.upload(new Uint8Array(1)), (e: unknown) => {
      return e instanceof UploadError && e.step === "upload" && e.status === 403;
    });
    assert.equal(requestsTo(env.emulator, "put").length, 1);
  });

  it("fails with UploadError step create when POST /files fails, and sends no PUT", async () => {
    using env = setup({}, { maxRetries: 1 });
    env.emulator.faults.failNext(401, { path: "/files" });
    const error = await env.client.files.upload(new Uint8Array(1)).catch((e: unknown) => e);
    assert.ok(error instanceof UploadError);
    assert.equal(error.step, "create");
    assert.equal(error.status, 401);
    assert.ok(error.cause instanceof AuthenticationError);
    assert.equal(requestsTo(env.emulator, "put").length, 0);
  });

  it("retries POST /files on 429 (nothing was created)", async () => {
    using env = setup();
    env.emulator.faults.failNext(429, { path: "/files" });
    await env.client.files.upload(new Uint8Array(1));
    assert.equal(requestsTo(env.emulator, "create").length, 2);
  });

  it("retries the PUT of a stream whose connection was refused before any byte was read", async () => {
    using env = setup();
    env.emulator.faults.refuseConnection({ path: "/__storage/" });
    const bytes = bytesOf(200_000);
    // The client's core with a 1 ms backoff, so the retry costs no time.
    const http = new HttpClient(resolveConfig({ apiKey: KEY, fetch: env.emulator.fetch }), {
      baseDelayMs: 1,
    });
    const file = await new Files(http).upload(streamOf(bytes), { size: bytes.length });
    assert.equal(requestsTo(env.emulator, "put").length, 1, "the refused attempt never arrived");
    assert.deepEqual((await download(env.emulator, file.uri)).bytes, bytes);
  });

  it("does not resend a stream whose bytes were read: UploadError after one PUT", async () => {
    using env = setup();
    env.emulator.faults.failNext(503, { path: "/__storage/" });
    let cancelled = false;
    const source = streamOf(bytesOf(1000));
    const reader = source.getReader();
    const stream = new ReadableStream<Uint8Array>({
      pull: async (c) => {
        const r = await reader.read();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
      cancel: () => {
        cancelled = true;
      },
    });
    const error = await env.client.files.upload(stream, { size: 1000 }).catch((e: unknown) => e);
    assert.ok(error instanceof UploadError && error.step === "upload" && error.status === 503);
    assert.equal(requestsTo(env.emulator, "put").length, 1);
    // The emulator read the body to its end before failing, so nothing was left to cancel.
    assert.equal(cancelled, false);
  });

  it("rejects a stream whose size differs from 'size' with a RangeError", async () => {
    using env = setup();
    await assert.rejects(
      env.client.files.upload(streamOf(new Uint8Array(5)), { size: 10 }),
      (e: unknown) =>
        e instanceof RangeError && /'size' is 10 but the stream yielded 5/.test(e.message),
    );
    await assert.rejects(
      env.client.files.upload(streamOf(new Uint8Array(15)), { size: 10 }),
      (e: unknown) => e instanceof RangeError && /yielded more/.test(e.message),
    );
  });

  it("rejects bad data and options before any request", async () => {
    using env = setup();
    const client = env.client;
    const cases: Array<[() => Promise<unknown>, ErrorConstructor | RangeErrorConstructor, RegExp]> =
      [
        [
          () => client.files.upload(42 as unknown as UploadData),
          TypeError,
          /'data' must be a Blob/,
        ],
        [() => client.files.upload({} as unknown as UploadData), TypeError, /got an object/],
        [
          () => client.files.upload("aGVsbG8h!"),
          TypeError,
          /not valid base64: unexpected "!" at character 8/,
        ],
        [() => client.files.upload("abcde"), TypeError, /lone final character/],
        [() => client.files.upload("ab=c"), TypeError, /"c" after "="/],
        [() => client.files.upload("data:text/plain;base64,@@"), TypeError, /base64 data URI/],
        [() => client.files.upload("data:no comma"), TypeError, /not a valid data URI/],
        [
          () => client.files.upload(new Uint8Array(1), { contentType: "png" }),
          TypeError,
          /'contentType'/,
        ],
        [() => client.files.upload(new Uint8Array(1), { filename: "" }), TypeError, /'filename'/],
        [
          () => client.files.upload(new Uint8Array(1), { public: "yes" as unknown as boolean }),
          TypeError,
          /'public'/,
        ],
        [() => client.files.upload(new Uint8Array(1), { size: -1 }), RangeError, /'size'/],
        [
          () => client.files.upload(new Uint8Array(2), { size: 3 }),
          RangeError,
          /'size' is 3 but the data has 2/,
        ],
      ];
    for (const [call, type, message] of cases) {
      await assert.rejects(
        call(),
        (e: unknown) => e instanceof type && message.test((e as Error).message),
      );
    }
    const locked = new ReadableStream();
    locked.getReader();
    await assert.rejects(client.files.upload(locked), /locked/);
    assert.equal(env.emulator.requests.length, 0);
  });

  it("rejects with the caller's abort reason, unwrapped", async () => {
    using env = setup();
    const controller = new AbortController();
    const reason = new Error("stop");
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++pulls === 2) controller.abort(reason);
        c.enqueue(new Uint8Array(10));
      },
    });
    await assert.rejects(
      env.client.files.upload(stream, { signal: controller.signal }),
      (e: unknown) => e === reason,
    );
  });
});
