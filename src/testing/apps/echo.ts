/**
 * `infsh/echo`: the output is the input.
 *
 * @module
 */

import type { EmulatedApp } from "./app.ts";

/** Completes with `output` equal to `input`. */
export const echoApp: EmulatedApp = {
  name: "infsh/echo",
  id: "app_echo",
  versionId: "ver_echo_1",
  run(input: unknown): Promise<unknown> {
    return Promise.resolve(input);
  },
};
