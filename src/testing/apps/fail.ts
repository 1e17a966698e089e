/**
 * `infsh/fail`: always fails.
 *
 * @module
 */

import { type EmulatedApp, inputObject } from "./app.ts";

/** Fails the task (status 11) with `error` = `input.message`, or `"app failed"`. */
export const failApp: EmulatedApp = {
  name: "infsh/fail",
  id: "app_fail",
  versionId: "ver_fail_1",
  run(input: unknown): Promise<unknown> {
    const message = inputObject(input)["message"];
    return Promise.reject(new Error(typeof message === "string" ? message : "app failed"));
  },
};
