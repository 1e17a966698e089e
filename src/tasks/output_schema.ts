/**
 * Checks a completed task's output against the caller's Standard Schema
 * (`tasks.run(params, { outputSchema })`).
 *
 * @module
 */

import { OutputValidationError } from "../agents/errors.ts";
import {
  describeIssues,
  type StandardSchemaV1,
  validateStandard,
} from "../agents/standard_schema.ts";
import { TaskStatusCompleted } from "./status.ts";
import type { Task } from "./types.ts";

/**
 * Returns the task with its output replaced by what `schema` parsed, when the
 * task completed; any other task is returned as is. Throws
 * `OutputValidationError` when the output does not match.
 */
export async function checkOutput<Output>(
  task: Task,
  schema: StandardSchemaV1<unknown, Output>,
): Promise<Task<Output>> {
  if (task.status !== TaskStatusCompleted) return task as Task<Output>;
  const result = await validateStandard(schema, task.output);
  if (result.issues) {
    throw new OutputValidationError(
      `Cannot read the output of task "${task.id}": it does not match outputSchema: ${
        describeIssues(result.issues)
      }`,
      "",
      task.output,
      result.issues,
      { taskId: task.id },
    );
  }
  return { ...task, output: result.value };
}
