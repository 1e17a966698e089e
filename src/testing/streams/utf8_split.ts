/**
 * Cuts encoded lines into awkward chunks, to exercise client decoders that must
 * buffer bytes across chunk boundaries.
 *
 * @module
 */

/** Lines at most this long (in bytes) are written one byte at a time. */
const SHORT_LINE = 32;

/**
 * Splits `bytes` into chunks: one byte each for short lines; otherwise a cut
 * inside every multi-byte character (after its first byte) plus one in the
 * middle, so ASCII-only lines are split too.
 */
export function splitUtf8(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length <= SHORT_LINE) {
    return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  }
  const cuts = new Set<number>([Math.floor(bytes.length / 2)]);
  for (let i = 0; i < bytes.length; i++) {
    // A lead byte of a multi-byte sequence is 11xxxxxx; cut right after it.
    if (((bytes[i] as number) & 0xc0) === 0xc0) cuts.add(i + 1);
  }
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}
