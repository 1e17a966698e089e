/**
 * Fault injection: queued failures that the next matching request or stream
 * consumes, so tests can exercise a client's error paths deterministically.
 *
 * @module
 */

/**
 * Options of {@linkcode EmulatorFaults.failNext}.
 *
 * @example
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * const emulator = createEmulator();
 * emulator.faults.failNext(429, { retryAfter: "1", path: "/apps/run", times: 2 });
 * emulator.close();
 * ```
 */
export interface FailNextOptions {
  /**
   * How many matching requests fail.
   *
   * @default {1}
   */
  times?: number | undefined;
  /**
   * Raw `Retry-After` header value, e.g. `"0"`, `"2"` or an HTTP date. When left
   * out, 429 and 503 answers carry `Retry-After: 0` (so client tests never sleep)
   * and other statuses carry none; pass `""` to send no header at all.
   */
  retryAfter?: string | undefined;
  /** Only requests whose pathname starts with this, e.g. `"/apps/run"`. */
  path?: string | undefined;
  /** Only requests with this method, e.g. `"POST"`. `OPTIONS` preflights never match unless named. */
  method?: string | undefined;
}

/**
 * Options of {@linkcode EmulatorFaults.rateLimitNext}.
 *
 * @example
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * const emulator = createEmulator();
 * emulator.faults.rateLimitNext({ resetAfter: 2, path: "/apps/run", times: 1 });
 * emulator.close();
 * ```
 */
export interface RateLimitOptions {
  /**
   * Seconds from the emulator's clock to the `X-RateLimit-Reset` it announces;
   * a whole number of at least 0.
   *
   * @default {1}
   */
  resetAfter?: number | undefined;
  /**
   * How many matching requests are refused.
   *
   * @default {1}
   */
  times?: number | undefined;
  /** Only requests whose pathname starts with this, e.g. `"/apps/run"`. */
  path?: string | undefined;
  /** Only requests with this method, e.g. `"POST"`. */
  method?: string | undefined;
}

/**
 * A notice the API attaches to a successful answer, in the envelope's
 * `messages` (docs/protocol.md §2.2): a concurrency limit, a deprecation, …
 *
 * @example
 * ```ts
 * import type { EmulatorNotice } from "@inferencesh/sdk/testing";
 * const notice: EmulatorNotice = {
 *   level: "warning",
 *   code: "concurrency_limit",
 *   message: "You have 3 tasks queued",
 *   meta: { limit: 3 },
 * };
 * ```
 */
export interface EmulatorNotice {
  /** `info`, `warning`, … */
  level: string;
  /** Machine code, e.g. `concurrency_limit` or `deprecated`. */
  code: string;
  /** Text for people. */
  message: string;
  /** Details, if any. */
  meta?: Record<string, unknown> | undefined;
}

/**
 * Options of {@linkcode EmulatorFaults.refuseConnection} and {@linkcode EmulatorFaults.loseResponse}.
 *
 * @example
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * const emulator = createEmulator();
 * emulator.faults.loseResponse({ path: "/apps/run", method: "POST" });
 * emulator.close();
 * ```
 */
export interface ConnectionFaultOptions {
  /**
   * How many matching requests are affected.
   *
   * @default {1}
   */
  times?: number | undefined;
  /** Only requests whose pathname starts with this. */
  path?: string | undefined;
  /** Only requests with this method. */
  method?: string | undefined;
}

/**
 * Options shared by the stream faults.
 *
 * @example
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * const emulator = createEmulator();
 * emulator.faults.malformedLineAfter(2, { times: 1, path: "/tasks/" });
 * emulator.close();
 * ```
 */
export interface StreamFaultOptions {
  /**
   * How many streams are affected.
   *
   * @default {1}
   */
  times?: number | undefined;
  /** Only streams whose pathname starts with this, e.g. `"/tasks/<task id>/stream"`. */
  path?: string | undefined;
}

/**
 * Options of {@linkcode EmulatorFaults.dropStreamAfter}.
 *
 * @example
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * const emulator = createEmulator();
 * emulator.faults.dropStreamAfter(3, { mode: "error", times: 2 });
 * emulator.close();
 * ```
 */
export interface DropStreamOptions extends StreamFaultOptions {
  /**
   * `"close"` ends the body cleanly (without a terminal update); `"error"` errors
   * it like a reset connection.
   *
   * @default {"close"}
   */
  mode?: "close" | "error" | undefined;
}

/**
 * Controls for injecting failures. Each fault is queued and consumed by the next
 * matching request or stream (`times` of them); faults of different kinds
 * combine, e.g. a malformed line and then a drop on the same stream.
 *
 * Stream faults count the lines written (the initial state, updates and deltas;
 * heartbeats and the malformed line itself do not count).
 *
 * @example Make the next run fail with 503, then succeed
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const emulator = createEmulator({ stepMs: 0 });
 * emulator.faults.failNext(503, { path: "/apps/run" });
 * const init = {
 *   method: "POST",
 *   headers: { authorization: "Bearer k" },
 *   body: JSON.stringify({ app: "infsh/echo", input: {} }),
 * };
 * const first = await emulator.fetch("https://api.inference.sh/apps/run", init);
 * strictEqual(first.status, 503);
 * strictEqual(first.headers.get("retry-after"), "0");
 * await first.body?.cancel();
 * const second = await emulator.fetch("https://api.inference.sh/apps/run", init);
 * strictEqual(second.status, 200);
 * await second.body?.cancel();
 * emulator.close();
 * ```
 */
export interface EmulatorFaults {
  /**
   * Answers the next matching request(s) with a problem for `status` (429
   * `rate_limited`, 503 `service_unavailable`, 500 `internal_error`, 502
   * `bad_gateway`, 408 `request_timeout`, …) instead of handling it, so nothing
   * is created.
   *
   * @param status HTTP status, 400..599.
   * @param options Count, `Retry-After` and which requests match.
   */
  failNext(status: number, options?: FailNextOptions): void;
  /**
   * Refuses the next matching request(s) the way the public docs describe the
   * API's rate limit: 429 `rate_limited` with `X-RateLimit-Remaining: 0` and
   * `X-RateLimit-Reset` (Unix seconds), and no `Retry-After`.
   *
   * @param options When the window resets, count and which requests match.
   * @throws {RangeError} When `resetAfter` is not a whole number >= 0.
   */
  rateLimitNext(options?: RateLimitOptions): void;
  /**
   * Attaches `notice` to the `messages` of the next matching successful JSON
   * answer(s), as the API does for concurrency limits and deprecations.
   *
   * @param notice The notice.
   * @param options Count and which requests match.
   */
  noticeNext(notice: EmulatorNotice, options?: ConnectionFaultOptions): void;
  /**
   * Makes the in-process `fetch` reject like a refused TCP connection, before the
   * handler runs (the request is neither handled nor recorded).
   *
   * @param options Count and which requests match.
   */
  refuseConnection(options?: ConnectionFaultOptions): void;
  /**
   * Lets the handler run (a task is created, say), then makes the in-process
   * `fetch` reject with a network error, as if the response was lost.
   *
   * @param options Count and which requests match.
   */
  loseResponse(options?: ConnectionFaultOptions): void;
  /**
   * Ends the next stream(s) after `lines` lines.
   *
   * @param lines Lines to write first (0: none at all).
   * @param options Count, mode and which streams match.
   */
  dropStreamAfter(lines: number, options?: DropStreamOptions): void;
  /**
   * After `lines` lines the next stream(s) write nothing at all (no heartbeats)
   * but stay open until the client cancels or the emulator closes.
   *
   * @param lines Lines to write first.
   * @param options Count and which streams match.
   */
  stallStreamAfter(lines: number, options?: StreamFaultOptions): void;
  /**
   * After `lines` lines the next stream(s) write one line that is not valid JSON,
   * then continue normally.
   *
   * @param lines Lines to write first.
   * @param options Count and which streams match.
   */
  malformedLineAfter(lines: number, options?: StreamFaultOptions): void;
  /**
   * The next task stream(s) send every delta the task already sent, right after
   * the state on connect, as a server that replays from the start after a
   * reconnect would (the same `seq` numbers): clients must not report them twice.
   *
   * @param options Count and which streams match.
   */
  replayDeltas(options?: StreamFaultOptions): void;
  /**
   * While on, every stream line is written in several chunks cut inside
   * multi-byte UTF-8 characters (short lines one byte at a time).
   *
   * @param enabled Whether to split; defaults to `true`.
   */
  splitUtf8(enabled?: boolean): void;
  /** Forgets every queued fault and turns UTF-8 splitting off. */
  clear(): void;
}

/** A request fault that matched. */
export interface RequestFailure {
  status: number;
  retryAfter: string | undefined;
  /** Seconds to the `X-RateLimit-Reset` to announce (a `rateLimitNext` fault). */
  resetAfter?: number | undefined;
}

/** The faults one stream took when it opened. */
export interface StreamFaults {
  drop?: { lines: number; mode: "close" | "error" } | undefined;
  stall?: { lines: number } | undefined;
  malformed?: { lines: number } | undefined;
  replay?: true | undefined;
}

interface Queued<T> {
  remaining: number;
  path: string | undefined;
  method: string | undefined;
  value: T;
}

/** The emulator's fault queues: the public controls plus the `take*` side. */
export class FaultQueue implements EmulatorFaults {
  #failures: Queued<RequestFailure>[] = [];
  #refusals: Queued<null>[] = [];
  #notices: Queued<EmulatorNotice>[] = [];
  #losses: Queued<null>[] = [];
  #drops: Queued<{ lines: number; mode: "close" | "error" }>[] = [];
  #stalls: Queued<{ lines: number }>[] = [];
  #malformed: Queued<{ lines: number }>[] = [];
  #replays: Queued<true>[] = [];
  #split = false;

  failNext(status: number, options: FailNextOptions = {}): void {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`Cannot fail with status ${status}: expected an integer in 400..599`);
    }
    const retryAfter = options.retryAfter ??
      (status === 429 || status === 503 ? "0" : undefined);
    this.#failures.push(
      queued(options, { status, retryAfter: retryAfter === "" ? undefined : retryAfter }),
    );
  }

  rateLimitNext(options: RateLimitOptions = {}): void {
    const resetAfter = options.resetAfter ?? 1;
    if (!Number.isInteger(resetAfter) || resetAfter < 0) {
      throw new RangeError(
        `Cannot announce a reset ${resetAfter}s away: expected a whole number >= 0`,
      );
    }
    this.#failures.push(queued(options, { status: 429, retryAfter: undefined, resetAfter }));
  }

  noticeNext(notice: EmulatorNotice, options: ConnectionFaultOptions = {}): void {
    if (typeof notice !== "object" || notice === null || typeof notice.message !== "string") {
      throw new TypeError("Cannot queue a notice without a message");
    }
    this.#notices.push(queued(options, structuredClone(notice)));
  }

  refuseConnection(options: ConnectionFaultOptions = {}): void {
    this.#refusals.push(queued(options, null));
  }

  loseResponse(options: ConnectionFaultOptions = {}): void {
    this.#losses.push(queued(options, null));
  }

  dropStreamAfter(lines: number, options: DropStreamOptions = {}): void {
    const mode = options.mode ?? "close";
    if (mode !== "close" && mode !== "error") {
      throw new TypeError(`Cannot drop a stream with mode "${mode}": expected "close" or "error"`);
    }
    this.#drops.push(queued({ ...options, method: undefined }, { lines: checkLines(lines), mode }));
  }

  stallStreamAfter(lines: number, options: StreamFaultOptions = {}): void {
    this.#stalls.push(queued({ ...options, method: undefined }, { lines: checkLines(lines) }));
  }

  malformedLineAfter(lines: number, options: StreamFaultOptions = {}): void {
    this.#malformed.push(queued({ ...options, method: undefined }, { lines: checkLines(lines) }));
  }

  replayDeltas(options: StreamFaultOptions = {}): void {
    this.#replays.push(queued({ ...options, method: undefined }, true));
  }

  splitUtf8(enabled = true): void {
    this.#split = enabled;
  }

  clear(): void {
    this.#failures = [];
    this.#refusals = [];
    this.#notices = [];
    this.#losses = [];
    this.#drops = [];
    this.#stalls = [];
    this.#malformed = [];
    this.#replays = [];
    this.#split = false;
  }

  /** Whether stream lines are to be cut inside UTF-8 characters. */
  get splitting(): boolean {
    return this.#split;
  }

  /** Consumes the first `failNext` fault matching the request, if any. */
  takeFailure(method: string, pathname: string): RequestFailure | undefined {
    return take(this.#failures, method, pathname);
  }

  /** Consumes every `noticeNext` notice matching a successful answer. */
  takeNotices(method: string, pathname: string): EmulatorNotice[] {
    const notices: EmulatorNotice[] = [];
    for (let notice = take(this.#notices, method, pathname); notice !== undefined;) {
      notices.push(notice);
      notice = take(this.#notices, method, pathname);
    }
    return notices;
  }

  /** Consumes a `refuseConnection` (`"refuse"`) or `loseResponse` (`"lose"`) fault. */
  takeConnectionFault(kind: "refuse" | "lose", method: string, pathname: string): boolean {
    const list = kind === "refuse" ? this.#refusals : this.#losses;
    return take(list, method, pathname) !== undefined;
  }

  /** Consumes the stream faults for a stream opened at `pathname`. */
  takeStreamFaults(pathname: string): StreamFaults {
    return {
      drop: take(this.#drops, "GET", pathname),
      stall: take(this.#stalls, "GET", pathname),
      malformed: take(this.#malformed, "GET", pathname),
      replay: take(this.#replays, "GET", pathname),
    };
  }
}

function queued<T>(
  options: { times?: number | undefined; path?: string | undefined; method?: string | undefined },
  value: T,
): Queued<T> {
  const times = options.times ?? 1;
  if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
    throw new RangeError(`Cannot queue a fault ${times} times: expected an integer >= 1`);
  }
  return { remaining: times, path: options.path, method: options.method?.toUpperCase(), value };
}

function checkLines(lines: number): number {
  if (!Number.isInteger(lines) || lines < 0) {
    throw new RangeError(`Cannot count ${lines} lines: expected an integer >= 0`);
  }
  return lines;
}

function take<T>(list: Queued<T>[], method: string, pathname: string): T | undefined {
  const index = list.findIndex((fault) =>
    (fault.method === undefined ? method !== "OPTIONS" : fault.method === method) &&
    (fault.path === undefined || pathname.startsWith(fault.path))
  );
  if (index === -1) return undefined;
  const fault = list[index] as Queued<T>;
  fault.remaining -= 1;
  if (fault.remaining <= 0) list.splice(index, 1);
  return fault.value;
}
