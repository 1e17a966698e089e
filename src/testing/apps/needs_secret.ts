/**
 * `infsh/needs-secret`: an app whose run is refused with 412 (docs/protocol.md §2.4).
 *
 * @module
 */

import type { EmulatedApp, RequirementError } from "./app.ts";

/** Always lacks `OPENAI_API_KEY`, so `POST /apps/run` answers 412 and creates nothing. */
export const needsSecretApp: EmulatedApp = {
  name: "infsh/needs-secret",
  id: "app_needs_secret",
  versionId: "ver_needs_secret_1",
  requirements(): RequirementError[] {
    return [{
      type: "secret",
      key: "OPENAI_API_KEY",
      message: "Secret OPENAI_API_KEY is required",
      action: { type: "add_secret" },
    }];
  },
  run(): Promise<unknown> {
    return Promise.resolve({});
  },
};
