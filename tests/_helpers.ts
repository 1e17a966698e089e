/**
 * Helpers shared by the test suites. Web standards only, so the tests run unchanged under
 * `deno test`, `bun test` and `node --test` (through tsx).
 *
 * @module
 */

const encoder = new TextEncoder();

/** Encodes text as UTF-8 bytes. */
export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Returns a stream that yields `chunks` in order, then closes. */
export function streamOf<T>(chunks: readonly T[]): ReadableStream<T> {
  let index = 0;
  // Pull-based, so chunks are produced only as fast as the consumer reads them.
  return new ReadableStream<T>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]!);
      else controller.close();
    },
  });
}

/** Reads a stream to its end and returns every chunk; rejects if the stream errors. */
export async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  // A reader loop rather than `for await`/Array.fromAsync, which Safari and Node 20 lack.
  const reader = stream.getReader();
  const out: T[] = [];
  try {
    for (let result = await reader.read(); !result.done; result = await reader.read()) {
      out.push(result.value);
    }
  } finally {
    reader.releaseLock();
  }
  return out;
}

/** How many chunkings `splits()` may enumerate for one piece count before it skips that count. */
const SPLIT_BUDGET = 5_000;

/**
 * Yields ways to cut `bytes` into consecutive chunks, so a decoder test can assert that its output
 * does not depend on where the network happens to cut the bytes:
 *
 * - the whole input as one chunk;
 * - every single cut point (two chunks);
 * - every combination of up to `maxPieces - 1` cut points, for each piece count whose number of
 *   combinations stays within a budget of 5,000 (so only short inputs get three or more pieces);
 * - one byte at a time.
 *
 * Every chunk is a copy with its own buffer.
 *
 * @param bytes The input to cut.
 * @param maxPieces The largest piece count to enumerate exhaustively; defaults to 3.
 */
export function* splits(
  bytes: Uint8Array,
  maxPieces = 3,
): Generator<Uint8Array[], void, undefined> {
  const n = bytes.length;
  yield [bytes.slice()];
  let bytewiseDone = n <= 1;
  for (let pieces = 2; pieces <= Math.min(maxPieces, n); pieces++) {
    if (pieces > 2 && combinations(n - 1, pieces - 1) > SPLIT_BUDGET) break;
    yield* cutsInto(bytes, pieces - 1, 1, []);
    if (pieces === n) bytewiseDone = true;
  }
  if (!bytewiseDone) yield Array.from(bytes, (byte) => Uint8Array.of(byte));
}

/**
 * How many chunkings `splits()` yields for `text` when it enumerates every pair of cuts: the whole,
 * n - 1 single cuts, (n - 1)(n - 2) / 2 pairs, and bytewise. Tests compare against it to make sure
 * a sample is short enough to get every pair.
 */
export function everyPairCount(text: string): number {
  const n = encode(text).length;
  return 2 + (n * (n - 1)) / 2;
}

/** Yields every way to place `count` more cut points at or after `from`, after `cuts`. */
function* cutsInto(
  bytes: Uint8Array,
  count: number,
  from: number,
  cuts: number[],
): Generator<Uint8Array[], void, undefined> {
  if (count === 0) {
    const bounds = [0, ...cuts, bytes.length];
    yield bounds.slice(1).map((end, i) => bytes.slice(bounds[i]!, end));
    return;
  }
  for (let cut = from; cut <= bytes.length - count; cut++) {
    yield* cutsInto(bytes, count - 1, cut + 1, [...cuts, cut]);
  }
}

/** The binomial coefficient C(n, k). */
function combinations(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** Describes a chunking by its chunk lengths, for assertion messages. */
export function describeSplit(chunks: readonly Uint8Array[]): string {
  return `chunk lengths [${chunks.map((chunk) => chunk.length).join(", ")}]`;
}

/** Concatenates byte arrays. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Cuts `bytes` into chunks of `size` bytes (the last one may be shorter). */
export function chunk(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    out.push(bytes.subarray(offset, offset + size));
  }
  return out;
}

/** How long a call may take before `settled()` calls it hung (no assertion is timed on it). */
const HUNG_AFTER_MS = 5_000;

/** Settles like `promise` (as `{ value }` or `{ error }`), or fails the test if it never does. */
export async function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still pending after ${HUNG_AFTER_MS} ms: it hangs`)),
      HUNG_AFTER_MS,
    );
  });
  try {
    return await Promise.race([
      promise.then((value) => ({ value }), (error: unknown) => ({ error })),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
