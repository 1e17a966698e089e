// Bodies that are byte streams (fetch bodies in Deno, Node and browsers) are read
// into the reader's own buffer, so that a read allocates nothing: a default read
// of Deno's fetch body allocated 64 KiB each time, which 1,000 followers piled up.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference, InternalServerError } from "../../mod.ts";

const KEY = "inf_test_key_0123456789";
const encoder = new TextEncoder();

interface Reads {
  /** Reads that brought their own buffer (BYOB). */
  intoBuffer: number;
  /** Reads the source had to allocate a chunk for. */
  allocated: number;
  /** The largest buffer a read brought. */
  largest: number;
  cancelled: boolean;
}

/**
 * A byte-stream body serving `bytes` (then `more()` forever, when given) in
 * pieces of at most `piece` bytes: into the reader's buffer when it brings one,
 * as a new chunk when it does not.
 */
function byteBody(
  bytes: Uint8Array,
  piece: number,
  reads: Reads,
  more?: () => Uint8Array,
): ReadableStream<Uint8Array> {
  let source = bytes;
  let offset = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (offset >= source.length && more) {
        source = more();
        offset = 0;
      }
      const request = controller.byobRequest;
      if (offset >= source.length) {
        controller.close();
        request?.respond(0);
        return;
      }
      const view = request?.view;
      const size = Math.min(piece, source.length - offset, view?.byteLength ?? piece);
      const part = source.subarray(offset, offset + size);
      offset += size;
      if (request && view) {
        reads.intoBuffer++;
        reads.largest = Math.max(reads.largest, view.byteLength);
        new Uint8Array(view.buffer, view.byteOffset, size).set(part);
        request.respond(size);
      } else {
        reads.allocated++;
        controller.enqueue(part.slice());
      }
    },
    cancel() {
      reads.cancelled = true;
    },
  });
}

function newReads(): Reads {
  return { intoBuffer: 0, allocated: 0, largest: 0, cancelled: false };
}

function envelope(data: unknown): Response {
  return new Response(JSON.stringify({ success: true, data }), {
    headers: { "content-type": "application/json" },
  });
}

describe("byte-stream bodies", () => {
  it("a followed stream is read into one buffer, every line and character intact", async () => {
    // Multi-byte characters, a line longer than the buffer, pieces that cut both.
    const text = "héllo wörld 😀 ".repeat(2_000);
    const lines = [
      { data: { id: "t_1", status: 7 }, fields: ["status"] },
      ...Array.from({ length: 50 }, (_, i) => ({
        event: "delta",
        data: { delta: { response: `é${i}😀` }, seq: i + 1 },
      })),
      { data: { id: "t_1", status: 7, output: { text } }, fields: ["output"] },
      { data: { id: "t_1", status: 10 }, fields: ["status"] },
    ];
    const bytes = encoder.encode(lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
    const reads = newReads();
    const client = inference({
      apiKey: KEY,
      fetch: (input) => {
        const url = String(input);
        if (url.endsWith("/apps/run")) return Promise.resolve(envelope({ id: "t_1", status: 1 }));
        return Promise.resolve(
          new Response(byteBody(bytes, 7_001, reads), {
            headers: { "content-type": "application/x-ndjson" },
          }),
        );
      },
    });
    let streamed = "";
    let deltas = 0;
    const task = await client.tasks.run({ app: "a/b", input: {} }, {
      onDelta: (_delta, soFar) => {
        deltas++;
        streamed = soFar.response;
      },
    });
    assert.equal(task.status, 10);
    assert.deepEqual(task.output, { text });
    assert.equal(deltas, 50);
    assert.equal(streamed, Array.from({ length: 50 }, (_, i) => `é${i}😀`).join(""));
    assert.equal(reads.allocated, 0, "every read brought its own buffer");
    assert.ok(reads.intoBuffer > 0);
    assert.ok(reads.largest > 4 * 1024, `the buffer grows while reads fill it (${reads.largest})`);
    assert.ok(reads.largest <= 64 * 1024, `buffers stay at most 64 KiB (${reads.largest})`);
  });

  it("a JSON answer is read into one buffer, grown as it comes", async () => {
    const logs = [{ content: "step ✓\n".repeat(40_000) }];
    const bytes = encoder.encode(JSON.stringify({ success: true, data: { id: "t_1", logs } }));
    const reads = newReads();
    const client = inference({
      apiKey: KEY,
      fetch: () =>
        Promise.resolve(
          new Response(byteBody(bytes, 50_000, reads), {
            headers: { "content-type": "application/json" },
          }),
        ),
    });
    const task = await client.tasks.get("t_1");
    assert.deepEqual(task.logs, logs);
    assert.equal(reads.allocated, 0, "every read brought its own buffer");
  });

  it("a JSON answer is whole whatever its Content-Length says (compressed bodies differ)", async () => {
    const data = { id: "t_1", output: { text: "ünïcode ✓ ".repeat(5_000) } };
    const bytes = encoder.encode(JSON.stringify({ success: true, data }));
    for (const announced of [bytes.length, 10, bytes.length * 3, 0]) {
      const reads = newReads();
      const client = inference({
        apiKey: KEY,
        fetch: () =>
          Promise.resolve(
            new Response(byteBody(bytes, 3_000, reads), {
              headers: { "content-type": "application/json", "content-length": String(announced) },
            }),
          ),
      });
      assert.deepEqual(await client.tasks.get("t_1"), data, `Content-Length ${announced}`);
      assert.equal(reads.allocated, 0);
    }
  });

  it("an endless error body is read up to 1 MiB, then cancelled", async () => {
    const reads = newReads();
    const filler = encoder.encode("x".repeat(64 * 1024));
    const client = inference({
      apiKey: KEY,
      maxRetries: 0,
      fetch: () =>
        Promise.resolve(
          new Response(byteBody(new Uint8Array(0), 64 * 1024, reads, () => filler), {
            status: 500,
            headers: { "content-type": "text/plain" },
          }),
        ),
    });
    const error = await client.tasks.get("t_1").then(
      () => assert.fail("resolved"),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof InternalServerError, String(error));
    assert.match(error.body ?? "", /truncated at 1048576 bytes/);
    assert.ok(reads.cancelled);
    assert.equal(reads.allocated, 0);
  });
});
