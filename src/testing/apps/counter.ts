/**
 * `infsh/counter`: a stateful app, to show that the calls of a session reach
 * the same warm worker.
 *
 * @module
 */

import { type AppContext, type EmulatedApp, inputObject } from "./app.ts";

/**
 * Adds `input.by` (default 1) to a count the worker keeps in memory and
 * completes with `{"count": <new count>}`. Within a session the count grows
 * from call to call; a new session, or a task outside any session, starts
 * from zero.
 */
export const counterApp: EmulatedApp = {
  name: "infsh/counter",
  id: "app_counter",
  versionId: "ver_counter_1",
  async run(input: unknown, context: AppContext): Promise<unknown> {
    const by = inputObject(input)["by"];
    const { memory } = context;
    const count = ((memory.get("count") as number | undefined) ?? 0) +
      (typeof by === "number" && Number.isFinite(by) ? by : 1);
    memory.set("count", count);
    await context.step();
    return { count };
  },
};
