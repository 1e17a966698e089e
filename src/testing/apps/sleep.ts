/**
 * `infsh/sleep`: takes real time, so tests can cancel it mid-run.
 *
 * @module
 */

import { type AppContext, type EmulatedApp, inputObject } from "./app.ts";

/** Sleeps `input.seconds` (default 1) of real time, then completes with `{"slept": seconds}`. */
export const sleepApp: EmulatedApp = {
  name: "infsh/sleep",
  id: "app_sleep",
  versionId: "ver_sleep_1",
  async run(input: unknown, context: AppContext): Promise<unknown> {
    const value = inputObject(input)["seconds"];
    const seconds = typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 1;
    context.log(`sleeping ${seconds}s`);
    await context.sleep(seconds * 1000);
    return { slept: seconds };
  },
};
