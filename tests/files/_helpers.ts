// Helpers of the files tests: test data, hashes, and reading what the emulator stored.
import type { Emulator, RecordedRequest } from "../../src/testing/mod.ts";

/** `n` pseudo-random bytes (deterministic: the same `seed` gives the same bytes). */
export function bytesOf(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

/** Lower-case hex SHA-256 of `bytes`. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Standard base64 of `bytes`, encoded in slices (no giant binary string). */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3 * 8192) {
    parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + 3 * 8192))));
  }
  return parts.join("");
}

/** A pull stream of `bytes` in `size`-byte chunks (each chunk its own copy). */
export function streamOf(bytes: Uint8Array, size = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  }, { highWaterMark: 0 });
}

/** Downloads a file URI through the emulator: status, content type and bytes. */
export async function download(
  emulator: Emulator,
  uri: string,
): Promise<{ status: number; type: string | null; bytes: Uint8Array }> {
  const response = await emulator.fetch(uri);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

/** The recorded requests of one kind: `POST /files`, the storage PUTs, or the runs. */
export function requestsTo(emulator: Emulator, kind: "create" | "put" | "run"): RecordedRequest[] {
  return emulator.requests.filter((r) =>
    kind === "create"
      ? r.method === "POST" && r.path === "/files"
      : kind === "put"
      ? r.method === "PUT" && r.path.startsWith("/__storage/")
      : r.method === "POST" && r.path === "/apps/run"
  );
}

/** The `files[0]` of every recorded `POST /files` body. */
export function createdFiles(emulator: Emulator): Record<string, unknown>[] {
  return requestsTo(emulator, "create").map((r) => JSON.parse(r.body).files[0]);
}
