/**
 * The errors of the follow engine: a line over the cap, and a task whose two
 * status reads never agree.
 *
 * @module
 */

import { InferenceError, StreamError } from "../errors.ts";

/**
 * A stream line (or Server-Sent Event) grew past `maxLineBytes` before it ended.
 * The follower stops reading that stream (its memory stays bounded), counts it as
 * a failure and reconciles by re-reading what it follows.
 *
 * @example
 * ```ts
 * import { LineTooLongError } from "@inferencesh/sdk";
 * const error = new LineTooLongError('Cannot follow task "t": a line passed 1024 bytes', 1024);
 * console.log(error.maxLineBytes); // 1024
 * ```
 */
export class LineTooLongError extends StreamError {
  /** The cap that was passed, in bytes. */
  readonly maxLineBytes: number;

  /** Creates the error; `maxLineBytes` is the cap that was passed. */
  constructor(message: string, maxLineBytes: number) {
    super(message);
    this.name = "LineTooLongError";
    this.maxLineBytes = maxLineBytes;
  }
}

/**
 * Polling found the API contradicting itself for too long: `GET /tasks/{id}/status`
 * says the task ended while `GET /tasks/{id}` keeps saying it runs. Polling stops
 * after a bounded number of such reads instead of going on forever.
 *
 * @example
 * ```ts
 * import { InconsistentStateError } from "@inferencesh/sdk";
 * const error = new InconsistentStateError("Cannot follow task \"t\": …", 10, 7);
 * console.log(error.reportedStatus, error.readStatus); // 10 7
 * ```
 */
export class InconsistentStateError extends InferenceError {
  /** The terminal status that `/status` reported. */
  readonly reportedStatus: number;
  /** The status the full read kept returning. */
  readonly readStatus: number;

  /** Creates the error with both statuses. */
  constructor(message: string, reportedStatus: number, readStatus: number) {
    super(message);
    this.name = "InconsistentStateError";
    this.reportedStatus = reportedStatus;
    this.readStatus = readStatus;
  }
}
