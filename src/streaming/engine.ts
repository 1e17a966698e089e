/**
 * The follow engine: the one place that follows anything (a task, a chat) over
 * a reconnecting stream or by polling. What is followed comes as a small
 * {@linkcode FollowAdapter}; the engine owns the transport rules, the same for
 * every adapter:
 *
 * - a stream is read chunk by chunk (no pipe, no timer per line); any bytes keep
 *   it alive, and one watchdog timer checks the time of the last bytes;
 * - a stream without a change for `reconcileAfterMs` makes the adapter re-read,
 *   and the follow ends there if that finds it finished;
 * - a failure (end before the final update, break, bad or too long line,
 *   silence, HTML answer, 5xx) re-reads, then reconnects with backoff; only a
 *   change resets the failure count, and after `maxReconnects` failures the
 *   follow goes on by polling (or rejects);
 * - polls are jittered and scheduled from the start of the previous poll;
 * - an abort rejects at once with the signal's reason.
 *
 * @module
 */

import {
  ApiConnectionError,
  ApiError,
  InferenceError,
  StreamError,
  TimeoutError,
} from "../errors.ts";
import { backoffDelay } from "../http/retry.ts";
import { abortable, sleep } from "../http/signals.ts";
import { InconsistentStateError } from "./errors.ts";
import type { FollowSettings } from "./options.ts";
import { decoderFor } from "./values.ts";

/** What handling a line, a re-read or a poll found. */
export type Outcome = typeof NOTHING | typeof PROGRESS | typeof FINAL;
/** Nothing changed (a heartbeat, a replayed delta, an unchanged snapshot). */
export const NOTHING = 0;
/** Something changed: the stream is working. */
export const PROGRESS = 1;
/** What is followed is finished: the follow ends. */
export const FINAL = 2;

/** What the engine needs to know about what it follows. */
export interface FollowAdapter {
  /** What is followed, for messages: `follow task "t_1"`. */
  readonly action: string;
  /** Whether it is already finished (checked before connecting and before each poll). */
  isFinal(): boolean;
  /** Opens the stream (`GET …/stream`); retries its own connect as the HTTP core does. */
  connect(signal: AbortSignal): Promise<Response>;
  /** Called once a stream is up, before its first line; may re-read. */
  opened?(reconnect: boolean, signal: AbortSignal): Outcome | Promise<Outcome>;
  /** Handles one value of the stream (a parsed NDJSON line or SSE event). */
  handle(value: unknown): Outcome | Promise<Outcome>;
  /**
   * Re-reads what is followed (`GET`): after a failure (`"failure"`) or after a
   * stretch without change (`"stale"`).
   */
  reconcile(why: "failure" | "stale", signal: AbortSignal): Promise<Outcome>;
  /** One poll. */
  poll(signal: AbortSignal): Promise<Outcome>;
}

/** Transport trouble is worth a reconnect; an API refusal (401, 404, …) is not. */
export function isRecoverable(error: unknown): boolean {
  if (error instanceof InconsistentStateError) return false;
  if (error instanceof ApiError) {
    const status = error.status ?? 0;
    return status === 408 || status === 429 || status >= 500;
  }
  return error instanceof InferenceError;
}

/**
 * Follows over the stream, or by polling when `settings.stream` is false, until
 * the adapter says final. Rejects at once with the signal's reason on abort.
 */
export function follow(adapter: FollowAdapter, settings: FollowSettings): Promise<void> {
  const run = settings.stream
    ? followStream(adapter, settings)
    : followPolling(adapter, settings, "jittered");
  return abortable(run, settings.signal);
}

// One copy of it for the package (the HTTP core uses it too); re-exported for the followers.
export { abortable };

async function followStream(adapter: FollowAdapter, settings: FollowSettings): Promise<void> {
  const { signal } = settings;
  if (adapter.isFinal()) return;
  let failures = 0;
  let reconnect = false;
  // Re-reads after a failure outlive that failure's connection.
  let probe = signal;
  const progressed = (): void => {
    failures = 0;
  };
  while (true) {
    const connection = new AbortController();
    const onAbort = (): void => connection.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      // Raced against the connection: a body whose read never settles and that
      // ignores its cancel (a polyfill's, a custom fetch's) still yields to the
      // idle watchdog, which aborts the connection.
      const read = readStream(adapter, settings, connection, reconnect, progressed);
      if (await abortable(read, connection.signal) === FINAL) return;
      throw new StreamError(`Cannot ${adapter.action}: the stream ended early`);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!settings.autoReconnect || !isRecoverable(error)) throw error;
      if (failures >= settings.maxReconnects) {
        if (!settings.fallbackToPolling) throw error;
        // Streams keep failing here (a proxy that buffers or cuts them, say):
        // polling reaches the same end, without deltas, from what is known so far.
        return await followPolling(adapter, settings, "jittered");
      }
      failures++;
      reconnect = true;
      // The task may have ended while we were away. If the API cannot be
      // reached either, the reconnect below is the next try.
      const outcome = await adapter.reconcile("failure", probe ??= new AbortController().signal)
        .catch(
          (reason: unknown) => {
            if (signal?.aborted) throw signal.reason;
            if (!isRecoverable(reason)) throw reason;
            return NOTHING;
          },
        );
      if (outcome === FINAL || adapter.isFinal()) return;
      await sleep(
        backoffDelay(failures - 1, settings.random, settings.reconnectDelayMs),
        signal,
        settings.clock,
      );
    } finally {
      signal?.removeEventListener("abort", onAbort);
      connection.abort();
    }
  }
}

/**
 * Reads one connection until the adapter says final (returns FINAL) or the body
 * ends (returns NOTHING). Throws what broke it.
 */
async function readStream(
  adapter: FollowAdapter,
  settings: FollowSettings,
  connection: AbortController,
  reconnect: boolean,
  progressed: () => void,
): Promise<Outcome> {
  const { clock } = settings;
  const response = await adapter.connect(connection.signal);
  const body = response.body;
  if (body === null) {
    throw new ApiConnectionError(`Cannot ${adapter.action}: the response has no body`);
  }
  let reader: ChunkReader | undefined;
  let timer: unknown;
  let idle: TimeoutError | undefined;
  try {
    const decoder = decoderFor(
      response.headers.get("content-type"),
      settings.maxLineBytes,
      adapter.action,
    );
    reader = new ChunkReader(body);
    if (await adapter.opened?.(reconnect, connection.signal) === FINAL) return FINAL;
    // One watchdog per connection: it wakes every idleTimeoutMs and compares
    // the time of the last bytes, so reading a chunk costs one clock read.
    const idleMs = settings.idleTimeoutMs;
    let lastBytes = clock.now();
    let lastChange = lastBytes;
    const watch = (): void => {
      const silent = clock.now() - lastBytes;
      if (silent >= idleMs) {
        idle = new TimeoutError(
          `Cannot ${adapter.action}: the stream sent nothing for ${idleMs} ms`,
          "idle",
          idleMs,
        );
        connection.abort(idle);
        reader?.cancel(idle).catch(() => {});
      } else {
        timer = clock.setTimeout(watch, idleMs - silent);
      }
    };
    timer = clock.setTimeout(watch, idleMs);
    const values: unknown[] = [];
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (idle) throw idle;
        if (connection.signal.aborted) throw connection.signal.reason;
        throw new ApiConnectionError(`Cannot ${adapter.action}: the stream broke`, { cause });
      }
      if (idle) throw idle;
      const done = chunk.done;
      if (done) {
        decoder.end(values);
      } else {
        lastBytes = clock.now();
        decoder.push(chunk.value, values);
      }
      for (let i = 0; i < values.length; i++) {
        let outcome = adapter.handle(values[i]);
        if (typeof outcome !== "number") outcome = await outcome;
        if (outcome === FINAL) return FINAL;
        if (outcome === PROGRESS) {
          progressed();
          lastChange = lastBytes;
        }
      }
      // Emptied now, so the values are not kept while the next read waits.
      values.length = 0;
      if (done) return NOTHING;
      if (lastBytes - lastChange >= settings.reconcileAfterMs) {
        // Bytes, but no change for a while (heartbeats only): the server may
        // have missed telling us the end. Re-read; a failed re-read is not a
        // failed stream.
        lastChange = lastBytes;
        const outcome = await adapter.reconcile("stale", connection.signal).catch(
          (reason: unknown) => {
            if (connection.signal.aborted || !isRecoverable(reason)) throw reason;
            return NOTHING;
          },
        );
        if (outcome === FINAL) return FINAL;
      }
    }
  } finally {
    clock.clearTimeout(timer);
    if (reader) reader.cancel().catch(() => {});
    else body.cancel().catch(() => {});
  }
}

/** The first size of the buffer a byte stream is read into; it doubles while reads fill it. */
const FIRST_BUFFER = 4 * 1024;
/** The largest buffer a byte stream is read into. */
const LAST_BUFFER = 64 * 1024;

/**
 * Reads a body chunk by chunk. A byte stream (a fetch body in Deno and Node) is
 * read into one buffer of its own, reused from read to read: a default read
 * allocates a buffer each time (64 KiB in Deno), garbage that piled up across
 * 1,000 followers. Any other stream (Bun's, a test's) is read as it comes. A
 * chunk is valid until the next read.
 */
class ChunkReader {
  readonly #byob: ReadableStreamBYOBReader | undefined;
  readonly #default: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #buffer: ArrayBuffer | undefined;

  constructor(body: ReadableStream<Uint8Array>) {
    let byob: ReadableStreamBYOBReader | undefined;
    try {
      byob = body.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream (or no BYOB support): read it as it comes.
    }
    this.#byob = byob;
    this.#default = byob ? undefined : body.getReader();
  }

  async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (!this.#byob) return await this.#default!.read();
    const buffer = this.#buffer ??= new ArrayBuffer(FIRST_BUFFER);
    // Its size now: reading detaches it (its byteLength becomes 0).
    const size = buffer.byteLength;
    const result = await this.#byob.read(new Uint8Array(buffer));
    const view = result.value;
    if (view) {
      // The buffer came back in the view (moved, not copied): read into it
      // again, or into a bigger one when this read filled it.
      this.#buffer = view.byteLength === size && size < LAST_BUFFER
        ? new ArrayBuffer(size * 2)
        : view.buffer as ArrayBuffer;
    } else {
      this.#buffer = undefined;
    }
    return result as ReadableStreamReadResult<Uint8Array>;
  }

  cancel(reason?: unknown): Promise<void> {
    return (this.#byob ?? this.#default!).cancel(reason);
  }
}

/**
 * Polls until the adapter says final. The first poll comes at a random point of
 * the first period (`"jittered"`) or at once (`"now"`); later ones are
 * scheduled from the start of the previous poll, ±20 %.
 */
export async function followPolling(
  adapter: Pick<FollowAdapter, "isFinal" | "poll">,
  settings: FollowSettings,
  first: "jittered" | "now",
): Promise<void> {
  const { signal, clock, random } = settings;
  const interval = settings.pollIntervalMs;
  let failures = 0;
  let wait = first === "now" ? 0 : interval * random();
  const probe = signal ?? new AbortController().signal;
  while (!adapter.isFinal()) {
    if (wait > 0) await sleep(wait, signal, clock);
    signal?.throwIfAborted();
    const started = clock.now();
    try {
      if (await adapter.poll(probe) === FINAL) return;
      failures = 0;
      wait = interval * (0.8 + 0.4 * random()) - (clock.now() - started);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (failures >= settings.maxReconnects || !isRecoverable(error)) throw error;
      failures++;
      wait = backoffDelay(failures - 1, random, settings.reconnectDelayMs);
    }
  }
}
