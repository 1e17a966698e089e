/**
 * Errors of agent turns: a turn that failed or was stopped, and structured
 * output that does not match the agent's output schema.
 *
 * @module
 */

import { InferenceError, type InferenceErrorOptions } from "../errors.ts";
import type { StandardSchemaIssue } from "./standard_schema.ts";
import type { ChatMessage } from "./types.ts";

/**
 * A turn ended without an answer: the agent failed (`code` `"failed"`) or the
 * turn was stopped (`code` `"cancelled"`, e.g. by `stopChat()` from elsewhere).
 *
 * @example
 * ```ts
 * import { AgentTurnError } from "@inferencesh/sdk";
 * const error = new AgentTurnError("Cannot finish turn: stopped", "chat_1", "cancelled", undefined);
 * console.log(error.code, error.chatId);
 * ```
 */
export class AgentTurnError extends InferenceError {
  /** The chat of the turn. */
  readonly chatId: string;
  /** The turn's final assistant message, when there is one. */
  readonly chatMessage: ChatMessage | undefined;

  /** Creates the error; `code` is `"failed"` or `"cancelled"`. */
  constructor(
    message: string,
    chatId: string,
    code: "failed" | "cancelled",
    chatMessage: ChatMessage | undefined,
    options: InferenceErrorOptions = {},
  ) {
    super(message, { ...options, code });
    this.name = "AgentTurnError";
    this.chatId = chatId;
    this.chatMessage = chatMessage;
  }
}

/**
 * The agent's structured output does not match its output schema (or is missing),
 * or a task's output does not match `tasks.run`'s `outputSchema` (then `taskId`
 * is set and `chatId` is empty). `output` is what the API sent; `issues` say
 * what is wrong.
 *
 * @example
 * ```ts
 * import { OutputValidationError } from "@inferencesh/sdk";
 * const error = new OutputValidationError("Cannot read output: summary: required", "chat_1", {}, [
 *   { message: "required", path: ["summary"] },
 * ]);
 * console.log(error.issues[0]?.message);
 * ```
 */
export class OutputValidationError extends InferenceError {
  /** The chat of the turn (empty for a task). */
  readonly chatId: string;
  /** The task whose output was checked (undefined for a chat). */
  readonly taskId: string | undefined;
  /** The output as the API sent it. */
  readonly output: unknown;
  /** What the schema found wrong. */
  readonly issues: ReadonlyArray<StandardSchemaIssue>;

  /** Creates the error. */
  constructor(
    message: string,
    chatId: string,
    output: unknown,
    issues: ReadonlyArray<StandardSchemaIssue>,
    options: InferenceErrorOptions & { taskId?: string | undefined } = {},
  ) {
    const { taskId, ...rest } = options;
    super(message, { ...rest, code: rest.code ?? "invalid_output" });
    this.name = "OutputValidationError";
    this.chatId = chatId;
    this.taskId = taskId;
    this.output = output;
    this.issues = issues;
  }
}
