// The emulator's file endpoints on the wire, without the SDK.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createEmulator, type Emulator } from "../../src/testing/mod.ts";
import { emulatorState } from "../../src/testing/emulator.ts";

const API = "https://api.inference.sh";
const AUTH = { authorization: "Bearer k" };

async function createFile(emulator: Emulator, partial: Record<string, unknown>) {
  const response = await emulator.fetch(`${API}/files`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({ files: [{ uri: "", ...partial }] }),
  });
  assert.equal(response.status, 200);
  const { data } = await response.json();
  return data[0] as Record<string, string | number>;
}

function put(url: string | number | undefined, emulator: Emulator, init: RequestInit = {}) {
  return emulator.fetch(String(url), { method: "PUT", body: "abc", ...init });
}

describe("emulator files", () => {
  it("creates a record with an upload URL on itself, takes the PUT without a key, then serves it", async () => {
    const emulator = createEmulator();
    try {
      const file = await createFile(emulator, {
        filename: "a b.txt",
        content_type: "text/plain",
        size: 3,
      });
      assert.match(
        String(file["upload_url"]),
        new RegExp(`/__storage/${file["id"]}\\?sig=[0-9a-f]{32}$`),
      );
      assert.match(String(file["id"]), /^[0-7][0-9a-hjkmnp-tv-z]{25}$/);
      assert.match(String(file["uri"]), new RegExp(`/__files/${file["id"]}/a%20b\\.txt$`));
      assert.equal(file["size"], 3);
      assert.equal(file["visibility"], "private");
      assert.equal((await emulator.fetch(String(file["uri"]))).status, 404, "no bytes yet");
      const stored = await put(file["upload_url"], emulator, {
        headers: { "content-type": "text/plain" },
      });
      assert.equal(stored.status, 200);
      const download = await emulator.fetch(String(file["uri"]));
      assert.equal(download.headers.get("content-type"), "text/plain");
      assert.equal(await download.text(), "abc");
      const read = await emulator.fetch(`${API}/files/${file["id"]}`, { headers: AUTH });
      assert.equal((await read.json()).data.filename, "a b.txt");
    } finally {
      emulator.close();
    }
  });

  it("refuses a PUT with a bad signature, a key, a wrong size, or (strict) another type", async () => {
    const emulator = createEmulator();
    try {
      const file = await createFile(emulator, { content_type: "text/plain", size: 3 });
      const url = String(file["upload_url"]);
      const codes = async (response: Response) => [response.status, (await response.json()).code];
      assert.deepEqual(await codes(await put(url.replace(/sig=.*/, "sig=x"), emulator)), [
        403,
        "SIGNATURE_DOES_NOT_MATCH",
      ]);
      assert.deepEqual(await codes(await put(url, emulator, { headers: AUTH })), [
        400,
        "AUTHORIZATION_NOT_ALLOWED",
      ]);
      assert.deepEqual(await codes(await put(url, emulator, { body: "abcd" })), [
        400,
        "SIZE_MISMATCH",
      ]);
      emulatorState(emulator)!.files.strictContentType = true;
      assert.deepEqual(
        await codes(await put(url, emulator, { headers: { "content-type": "application/json" } })),
        [403, "SIGNATURE_DOES_NOT_MATCH"],
      );
      assert.equal(
        (await put(url, emulator, { headers: { "content-type": "text/plain" } })).status,
        200,
      );
    } finally {
      emulator.close();
    }
  });

  it("validates POST /files, naming the field", async () => {
    const emulator = createEmulator();
    try {
      for (
        const [body, field] of [
          [{}, "files"],
          [{ files: [] }, "files"],
          [{ files: [3] }, "files[0]"],
          [{ files: [{ uri: "" }, { size: -1 }] }, "files[1].size"],
          [{ files: [{ public: "yes" }] }, "files[0].public"],
          [{ files: [{ filename: 7 }] }, "files[0].filename"],
        ] as const
      ) {
        const response = await emulator.fetch(`${API}/files`, {
          method: "POST",
          headers: AUTH,
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal((await response.json()).field, field);
      }
      const noKey = await emulator.fetch(`${API}/files`, { method: "POST", body: "{}" });
      assert.equal(noKey.status, 401);
    } finally {
      emulator.close();
    }
  });
});
