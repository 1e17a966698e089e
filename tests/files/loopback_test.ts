/// <reference lib="deno.ns" />
// Uploads over a real socket: the runtime's own fetch streams the body (chunked) or
// sends a Blob with its length, and the server sees exactly the headers the SDK set.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasDeno, served } from "../_loopback.ts";
import { inference } from "../../mod.ts";
import { KEY } from "../tasks/_setup.ts";
import { bytesOf, requestsTo, sha256, streamOf } from "./_helpers.ts";

describe("uploads over a loopback socket", { skip: !hasDeno }, () => {
  it("streams a ReadableStream and sends a Blob whole, bytes exact, no key on the PUT", async () => {
    await served({ stepMs: 0 }, async (emulator, base) => {
      const client = inference({ apiKey: KEY, baseUrl: base, headers: { "x-custom": "1" } });
      const bytes = bytesOf(3 << 20, 9);
      const streamed = await client.files.upload(streamOf(bytes), {
        filename: "s.bin",
        size: bytes.length,
      });
      const whole = await client.files.upload(new Blob([bytes]), { filename: "b.bin" });
      const task = await client.tasks.run({
        app: "infsh/file-info",
        input: { streamed: streamed.uri, whole: whole.uri },
      });
      const out = task.output as Record<string, { sha256: string; size: number }>;
      const hash = await sha256(bytes);
      assert.equal(out["streamed"]?.sha256, hash);
      assert.equal(out["whole"]?.sha256, hash);
      const [put1, put2] = requestsTo(emulator, "put");
      assert.equal(put1?.headers["transfer-encoding"], "chunked", "the stream was streamed");
      assert.equal(put2?.headers["content-length"], String(bytes.length), "the Blob had a length");
      for (const put of [put1, put2]) {
        assert.equal(put?.headers["authorization"], undefined);
        assert.equal(put?.headers["x-custom"], undefined);
        assert.equal(put?.headers["x-client-source"], undefined);
        assert.equal(put?.headers["content-type"], "application/octet-stream");
      }
    });
  });
});
