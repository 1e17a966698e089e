/**
 * The writing side of every long-lived stream (task streams today, chat streams
 * later): NDJSON or SSE framing, one chunk per line, heartbeats, and the stream
 * faults (drop, stall, malformed line, split UTF-8).
 *
 * @module
 */

import type { StreamFaults } from "../faults.ts";
import type { Timers } from "../timers.ts";
import { splitUtf8 } from "./utf8_split.ts";

/** Wire format of a stream, chosen from the request's `Accept` header. */
export type StreamFormat = "ndjson" | "sse";

/** Picks SSE when the client asks for `text/event-stream` (and not NDJSON), else NDJSON. */
export function negotiateFormat(accept: string | null): StreamFormat {
  const value = (accept ?? "").toLowerCase();
  return value.includes("text/event-stream") && !value.includes("application/x-ndjson")
    ? "sse"
    : "ndjson";
}

/** Response headers of a stream in `format`. */
export function streamHeaders(format: StreamFormat): Record<string, string> {
  return {
    "content-type": format === "sse" ? "text/event-stream" : "application/x-ndjson",
    "cache-control": "no-cache",
  };
}

/** What a {@linkcode LineStream} needs from the emulator. */
export interface LineStreamInit {
  format: StreamFormat;
  faults: StreamFaults;
  /** Cut lines inside UTF-8 characters (the `splitUtf8` fault). */
  split: boolean;
  timers: Timers;
  heartbeatMs: number;
  /** Called once when the stream stops for any reason (end, drop, stall, client cancel). */
  onStop(): void;
  /** Called once when the stream is finished for good (closed, errored or cancelled). */
  onFinish(): void;
}

const encoder = new TextEncoder();

/** Error a dropped stream fails with, like a connection reset mid-body. */
function resetError(): TypeError {
  return new TypeError("terminated", {
    cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
  });
}

/**
 * A stream body written line by line as events happen. Call
 * {@linkcode LineStream.send} for updates, {@linkcode LineStream.sendEvent} for
 * named events (deltas), {@linkcode LineStream.end} after the last line.
 */
export class LineStream {
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>;
  readonly #init: LineStreamInit;
  // Our own queue: erroring a ReadableStream discards its queued chunks, and a
  // dropped connection must still deliver the lines written before the drop.
  readonly #queue: Uint8Array[] = [];
  #ending: { error: unknown } | "close" | undefined;
  #wake: (() => void) | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lines = 0;
  #malformedSent = false;
  #stopped = false;
  #finished = false;

  constructor(init: LineStreamInit) {
    this.#init = init;
    this.body = new ReadableStream<Uint8Array>({
      pull: (controller) => this.#deliver(controller),
      cancel: () => {
        this.#queue.length = 0;
        this.#stop();
        this.#finish();
      },
    }, { highWaterMark: 0 });
    if (init.heartbeatMs > 0) {
      this.#heartbeat = init.timers.setInterval(() => this.#heartbeatTick(), init.heartbeatMs);
    }
    this.#checkThresholds();
  }

  /** Whether lines are still being written. */
  get active(): boolean {
    return !this.#stopped;
  }

  /** Whether the body is over (closed, errored or cancelled by the client). */
  get finished(): boolean {
    return this.#finished;
  }

  /** Writes one update: the JSON as an NDJSON line, or an SSE `data:` event. */
  send(payload: unknown): void {
    if (this.#stopped) return;
    const json = JSON.stringify(payload);
    this.#write(this.#init.format === "sse" ? `data: ${json}\n\n` : `${json}\n`);
    this.#counted();
  }

  /** Writes a named event: `{"event": name, "data": data}` in NDJSON, `event: name` in SSE. */
  sendEvent(name: string, data: unknown): void {
    if (this.#stopped) return;
    const line = this.#init.format === "sse"
      ? `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
      : `${JSON.stringify({ event: name, data })}\n`;
    this.#write(line);
    this.#counted();
  }

  /** Ends the body cleanly (after the terminal update, or when the emulator closes). */
  end(): void {
    this.#terminate("close");
  }

  /** Hands the reader the next chunk, or the end once the queue is drained. */
  async #deliver(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    while (this.#queue.length === 0 && this.#ending === undefined) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    const chunk = this.#queue.shift();
    if (chunk) controller.enqueue(chunk);
    else if (this.#ending === "close") controller.close();
    else if (this.#ending) controller.error(this.#ending.error);
  }

  #terminate(ending: { error: unknown } | "close"): void {
    if (this.#finished) return;
    this.#stop();
    this.#finish();
    this.#ending = ending;
    this.#wakeReader();
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #heartbeatTick(): void {
    if (this.#stopped) return;
    this.#write(this.#init.format === "sse" ? ": heartbeat\n\n" : `{"type":"heartbeat"}\n`);
  }

  #counted(): void {
    this.#lines += 1;
    this.#checkThresholds();
  }

  /** Applies the stream faults once `#lines` lines are out. */
  #checkThresholds(): void {
    const { drop, stall, malformed } = this.#init.faults;
    if (malformed && !this.#malformedSent && this.#lines >= malformed.lines) {
      this.#malformedSent = true;
      // A truncated object: what a proxy cutting a line in half would leave.
      this.#write(
        this.#init.format === "sse" ? `data: {"data":{"id":"trunc\n\n` : `{"data":{"id":"trunc\n`,
      );
    }
    if (drop && this.#lines >= drop.lines) {
      this.#terminate(drop.mode === "error" ? { error: resetError() } : "close");
      return;
    }
    if (stall && this.#lines >= stall.lines) {
      // Stay open, silent, until the client cancels or the emulator closes.
      this.#stop();
    }
  }

  #write(text: string): void {
    if (this.#ending !== undefined || this.#finished) return;
    const bytes = encoder.encode(text);
    this.#queue.push(...(this.#init.split ? splitUtf8(bytes) : [bytes]));
    this.#wakeReader();
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#heartbeat !== undefined) this.#init.timers.clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#init.onStop();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#init.onFinish();
  }
}
