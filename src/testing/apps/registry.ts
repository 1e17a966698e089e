/**
 * The fake apps an emulator knows, looked up by the `app` reference of
 * `POST /apps/run` (`namespace/name`, optionally `@version` and `:function`).
 *
 * @module
 */

import type { EmulatedApp } from "./app.ts";
import { counterApp } from "./counter.ts";
import { echoApp } from "./echo.ts";
import { failApp } from "./fail.ts";
import { fileInfoApp } from "./file_info.ts";
import { imageApp } from "./image.ts";
import { needsSecretApp } from "./needs_secret.ts";
import { sleepApp } from "./sleep.ts";
import { textStreamApp } from "./text_stream.ts";

/** The apps every emulator starts with. */
export const BUILT_IN_APPS: readonly EmulatedApp[] = [
  echoApp,
  textStreamApp,
  sleepApp,
  failApp,
  imageApp,
  needsSecretApp,
  fileInfoApp,
  counterApp,
];

/** A parsed app reference. */
export interface AppReference {
  name: string;
  version: string | undefined;
  function: string | undefined;
}

/** Splits `ns/name@version:function` into its parts. */
export function parseAppReference(reference: string): AppReference {
  const at = reference.indexOf("@");
  if (at === -1) return { name: reference, version: undefined, function: undefined };
  const rest = reference.slice(at + 1);
  const colon = rest.indexOf(":");
  return {
    name: reference.slice(0, at),
    version: colon === -1 ? rest : rest.slice(0, colon),
    function: colon === -1 ? undefined : rest.slice(colon + 1),
  };
}

/** Apps by name and by id. */
export class AppRegistry {
  readonly #byName = new Map<string, EmulatedApp>();

  constructor(apps: readonly EmulatedApp[] = BUILT_IN_APPS) {
    for (const app of apps) this.register(app);
  }

  /** Adds (or replaces) an app. */
  register(app: EmulatedApp): void {
    this.#byName.set(app.name, app);
  }

  /** The app named `name` (without version). */
  byName(name: string): EmulatedApp | undefined {
    return this.#byName.get(name);
  }

  /** Every app, in the order registered (for `POST /apps/list`). */
  all(): EmulatedApp[] {
    return [...this.#byName.values()];
  }

  /** The app whose `app_id` is `id`. */
  byId(id: string): EmulatedApp | undefined {
    for (const app of this.#byName.values()) if (app.id === id) return app;
    return undefined;
  }
}
