/**
 * `infsh/file-info`: describes the files in its input, so tests can prove that
 * uploaded bytes arrive exactly.
 *
 * @module
 */

import type { AppContext, EmulatedApp } from "./app.ts";

/** What the app reports for one file. */
export interface FileInfo {
  filename: string;
  size: number;
  "content_type": string;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function describe(value: unknown, context: AppContext): Promise<unknown> {
  if (typeof value === "string") {
    const file = context.readFile(value);
    if (!file) return value;
    const info: FileInfo = {
      filename: file.filename,
      size: file.bytes.length,
      "content_type": file.contentType,
      sha256: await sha256Hex(file.bytes),
    };
    return info;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await describe(item, context));
    return out;
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await describe(item, context);
    return out;
  }
  return value;
}

/**
 * Completes with its input in which every emulator file URI, at any depth, is
 * replaced by `{filename, size, content_type, sha256}`; other values stay as
 * they are. `{"file": "<uri>"}` gives `{"file": {…}}`. Fails when a URI names
 * no file, or one whose bytes were never uploaded.
 */
export const fileInfoApp: EmulatedApp = {
  name: "infsh/file-info",
  id: "app_file_info",
  versionId: "ver_file_info_1",
  async run(input: unknown, context: AppContext): Promise<unknown> {
    await context.step();
    return await describe(input, context);
  },
};
