/**
 * Task webhooks: the API POSTs to a task's `webhook` URL when the task ends.
 * The payload is not documented and not signed, so only the task id is taken
 * from it; the task itself is read from the API.
 *
 * @module
 */

import { NotFoundError } from "../errors.ts";
import type { RequestOptions } from "../http/core.ts";
import type { Task } from "../tasks/types.ts";
import { WebhookError } from "./errors.ts";

/**
 * What {@linkcode parseTaskWebhook} needs of a client: `tasks.get`. An
 * `InferenceClient` (full or lean) fits.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import type { TaskReader } from "@inferencesh/sdk/types";
 * const reader: TaskReader = inference({ apiKey: "inf_..." });
 * ```
 */
export interface TaskReader {
  /** Reads tasks. */
  readonly tasks: {
    /** Reads a task by id. */
    get(id: string, options?: RequestOptions): Promise<Task>;
  };
}

/**
 * Options of {@linkcode parseTaskWebhook}.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import type { ParseTaskWebhookOptions } from "@inferencesh/sdk/types";
 * const options: ParseTaskWebhookOptions = { client: inference({ apiKey: "inf_..." }) };
 * ```
 */
export interface ParseTaskWebhookOptions extends RequestOptions {
  /** The client the task is read with (trust the API, not the body). */
  client: TaskReader;
}

/**
 * Reads a task webhook: takes the task id from the body (`id`, or `data.id`,
 * `task.id`, `task_id`), then reads the task from the API and returns that,
 * so a forged or stale body cannot make you act on a status the task does
 * not have. Check `status` as after `tasks.run`.
 *
 * @example Receive the webhook of a task
 * ```ts
 * import { inference, parseTaskWebhook, TaskStatusCompleted } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const received = Promise.withResolvers<Request>();
 * const emulator = createEmulator({
 *   stepMs: 1,
 *   webhookFetch: (input, init) => {
 *     received.resolve(new Request(input, init));
 *     return Promise.resolve(new Response(null, { status: 204 }));
 *   },
 * });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * await client.tasks.run(
 *   { app: "infsh/echo", input: { n: 1 }, webhook: "https://example.com/hooks/task" },
 *   { wait: false },
 * );
 * const task = await parseTaskWebhook(await received.promise, { client });
 * if (task.status === TaskStatusCompleted) console.log(task.output); // { n: 1 }
 * emulator.close();
 * ```
 *
 * @param request The webhook request; its body is consumed.
 * @param options The client to read the task with, and request options for that read.
 * @returns The task as the API has it now.
 * @throws {WebhookError} When the body is not JSON (`"invalid_body"`), names no
 * task (`"missing_task_id"`), or names one the API does not know
 * (`"unknown_task"`, with the 404 as `cause`).
 */
export async function parseTaskWebhook(
  request: Request,
  options: ParseTaskWebhookOptions,
): Promise<Task> {
  const { client, ...requestOptions } = options;
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new WebhookError("Cannot read task webhook: the body is not JSON", "invalid_body", {
      cause: error,
      body: text.slice(0, 200),
    });
  }
  const id = taskIdOf(body);
  if (id === undefined) {
    throw new WebhookError(
      "Cannot read task webhook: the body names no task (no string `id`)",
      "missing_task_id",
      { body: text.slice(0, 200) },
    );
  }
  try {
    return await client.tasks.get(id, requestOptions);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new WebhookError(
        `Cannot read task webhook: the API knows no task "${id}"`,
        "unknown_task",
        { cause: error, status: error.status },
      );
    }
    throw error;
  }
}

/** The task id a webhook body names, if any. */
function taskIdOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const candidates = [
    body.id,
    isRecord(body.data) ? body.data.id : undefined,
    isRecord(body.task) ? body.task.id : undefined,
    body["task_id"],
  ];
  for (const candidate of candidates) {
    if (typeof candidate === "string" && candidate.trim() !== "") {
      return candidate;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
