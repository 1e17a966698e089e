/**
 * The SDK's error tree. Every error the SDK raises for an API, transport or stream
 * problem is an {@linkcode InferenceError}.
 *
 * @module
 */

/** Options shared by every SDK error. */
export interface InferenceErrorOptions extends ErrorOptions {
  /** HTTP status of the response, when there was one. */
  status?: number | undefined;
  /** Machine-readable code: the problem's `code` member, or the last segment of its `type`. */
  code?: string | undefined;
  /** The problem's `title`. */
  title?: string | undefined;
  /** The problem's `detail`. */
  detail?: string | undefined;
  /** The raw response body (text), when there was one. */
  body?: string | undefined;
}

/**
 * Base class of every error the SDK raises for API, transport and stream problems.
 *
 * @example
 * ```ts
 * import { InferenceError } from "@inferencesh/sdk";
 * try {
 *   // await client.tasks.get("missing");
 * } catch (error) {
 *   if (error instanceof InferenceError) console.error(error.status, error.code);
 * }
 * ```
 */
export class InferenceError extends Error {
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
  /** Machine-readable code, e.g. `"SESSION_NOT_FOUND"`. */
  readonly code: string | undefined;
  /** The problem's `title`. */
  readonly title: string | undefined;
  /** The problem's `detail`. */
  readonly detail: string | undefined;
  /** The raw response body. */
  readonly body: string | undefined;

  /** Creates an error; `options` carries the response details. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "InferenceError";
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
    this.detail = options.detail;
    this.body = options.body;
  }
}

/**
 * A stream sent something the SDK cannot read: a malformed line, or it ended early.
 *
 * @example
 * ```ts
 * import { StreamError } from "@inferencesh/sdk";
 * const error = new StreamError("Cannot parse NDJSON line", { line: "{oops" });
 * console.log(error.line);
 * ```
 */
export class StreamError extends InferenceError {
  /** An excerpt of the offending line, when a line was at fault. */
  readonly line: string | undefined;

  /** Creates a stream error; `options.line` is kept as a short excerpt. */
  constructor(message: string, options: InferenceErrorOptions & { line?: string | undefined } = {}) {
    super(message, options);
    this.name = "StreamError";
    this.line = options.line === undefined ? undefined : excerpt(options.line);
  }
}

/** Shortens text for an error message, keeping its start. */
export function excerpt(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
