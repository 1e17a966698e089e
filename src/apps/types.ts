/**
 * Types of apps: the registry that gives apps checked inputs and typed outputs
 * ({@linkcode AppTypes}), and the app as `GET /apps/{namespace}/{name}` returns it.
 *
 * @module
 */

import type { ApiTaskRequest } from "../tasks/types.ts";

/**
 * The apps you use, by name, with their input and output types. Empty in the
 * SDK: you (or a file made by `deno run -A jsr:@inferencesh/sdk/cli types
 * ns/app`) add apps by declaration merging. A registered app's `input` is then
 * checked and its `output` typed by `tasks.run` with no type arguments; an app
 * that is not registered works as before.
 *
 * Each entry has `input` and `output`, and may have `functions` (each with its
 * own `input` and `output`, picked by the request's `function`) and `variants`
 * (the names the request's `variant` may take).
 *
 * @example Register an app by hand
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 *
 * declare module "@inferencesh/sdk" {
 *   interface AppTypes {
 *     "black-forest-labs/flux": {
 *       input: { prompt: string; steps?: number };
 *       output: { images: string[] };
 *     };
 *   }
 * }
 *
 * async function draw(client: ReturnType<typeof inference>): Promise<string[] | undefined> {
 *   const task = await client.tasks.run({ app: "black-forest-labs/flux", input: { prompt: "a cat" } });
 *   return task.output?.images;
 * }
 * console.log(typeof draw);
 * ```
 */
// deno-lint-ignore no-empty-interface
export interface AppTypes {}

/**
 * The shape of one {@linkcode AppTypes} entry.
 *
 * @example
 * ```ts
 * import type { AppSignature } from "@inferencesh/sdk/types";
 * type Upscale = {
 *   input: { image: Blob | string; scale?: number };
 *   output: { image: string };
 *   variants: "default" | "fp16";
 * };
 * const ok: Upscale extends AppSignature ? true : false = true;
 * ```
 */
export interface AppSignature {
  /** What the app's (default) function takes. */
  input: object;
  /** What it returns. */
  output: unknown;
  /** Its other functions, by name. */
  functions?: { [name: string]: { input: object; output: unknown } } | undefined;
  /** The names of its variants. */
  variants?: string | undefined;
}

/**
 * The name of an app registered in {@linkcode AppTypes}, optionally with
 * `@version`: the references whose input is checked.
 *
 * @example
 * ```ts
 * import type { RegisteredApp } from "@inferencesh/sdk/types";
 * function run(app: RegisteredApp | (string & {})): string {
 *   return app;
 * }
 * console.log(run("infsh/echo"));
 * ```
 */
export type RegisteredApp = (keyof AppTypes & string) | `${keyof AppTypes & string}@${string}`;

/**
 * The {@linkcode AppTypes} entry of an app reference (`ns/name`, optionally
 * `@version`), or `never` when the app is not registered.
 *
 * @example
 * ```ts
 * import type { AppEntry } from "@inferencesh/sdk/types";
 * type None = AppEntry<"someone/unregistered">; // never
 * const registered: [None] extends [never] ? false : true = false;
 * console.log(registered);
 * ```
 */
export type AppEntry<Ref extends string> =
  (Ref extends `${infer Name}@${string}` ? Name : Ref) extends infer Name
    ? Name extends keyof AppTypes ? AppTypes[Name] extends AppSignature ? AppTypes[Name] : never
    : never
    : never;

/**
 * The function names of a registered app (`never` when it lists none).
 *
 * @example
 * ```ts
 * import type { AppFunctionName } from "@inferencesh/sdk/types";
 * const name: AppFunctionName<"infsh/echo"> | undefined = undefined;
 * console.log(name);
 * ```
 */
export type AppFunctionName<Ref extends string> = AppEntry<Ref> extends
  { functions?: infer Functions } ? keyof NonNullable<Functions> & string : never;

/**
 * The input type of a registered app (of its function `Fn` when given), or
 * `object` (any object, interfaces included) for an app that is not registered.
 *
 * @example
 * ```ts
 * import type { AppInput } from "@inferencesh/sdk";
 * const input: AppInput<"someone/unregistered"> = { anything: 1 };
 * console.log(input);
 * ```
 */
export type AppInput<Ref extends string, Fn extends string | undefined = undefined> = [
  AppEntry<Ref>,
] extends [never] ? object
  : [NonNullable<Fn>] extends [never] ? AppEntry<Ref>["input"]
  : AppEntry<Ref> extends { functions?: infer Functions }
    ? NonNullable<Fn> extends keyof NonNullable<Functions>
      ? NonNullable<Functions>[NonNullable<Fn>] extends { input: infer Input } ? Input : never
    : never
  : never;

/**
 * The output type of a registered app (of its function `Fn` when given), or
 * `unknown` for an app that is not registered.
 *
 * @example
 * ```ts
 * import type { AppOutput } from "@inferencesh/sdk";
 * const output: AppOutput<"someone/unregistered"> = "anything";
 * console.log(output);
 * ```
 */
export type AppOutput<Ref extends string, Fn extends string | undefined = undefined> = [
  AppEntry<Ref>,
] extends [never] ? unknown
  : [NonNullable<Fn>] extends [never] ? AppEntry<Ref>["output"]
  : AppEntry<Ref> extends { functions?: infer Functions }
    ? NonNullable<Fn> extends keyof NonNullable<Functions>
      ? NonNullable<Functions>[NonNullable<Fn>] extends { output: infer Output } ? Output : never
    : never
  : never;

/**
 * The request for a registered app: `input` must be the app's input (or its
 * function's, with `function`), `function` and `variant` must be names the app has.
 *
 * @example
 * ```ts
 * import type { AppTaskRequest } from "@inferencesh/sdk/types";
 * const request: AppTaskRequest<"someone/unregistered"> = {
 *   app: "someone/unregistered",
 *   input: { anything: 1 },
 * };
 * console.log(request.app);
 * ```
 */
export type AppTaskRequest<Ref extends string, Fn extends string | undefined = undefined> =
  & ApiTaskRequest<AppInput<Ref, Fn> & object>
  & {
    /** The registered app, optionally `@version`. */
    app: Ref;
    /** One of the app's functions; without it the default function's types apply. */
    function?: Fn;
    /** One of the app's variants. */
    variant?:
      | (AppEntry<Ref> extends { variants?: infer Variants }
        ? [NonNullable<Variants>] extends [never] ? string : NonNullable<Variants> & string
        : string)
      | undefined;
  };

/**
 * An app version as the API returns it (`AppVersionDTO`): its schemas,
 * functions, variants and the secrets it needs. Fields not spelled out are
 * kept as sent.
 *
 * @example
 * ```ts
 * import type { AppVersion } from "@inferencesh/sdk/types";
 * function secrets(version: AppVersion): string[] {
 *   return (version.required_secrets ?? []).filter((s) => !s.optional).map((s) => s.key);
 * }
 * ```
 */
export interface AppVersion {
  /** Version id (what tasks carry as `app_version_id`). */
  id: string;
  /** JSON Schema of the default function's input. */
  "input_schema"?: Record<string, unknown> | null | undefined;
  /** JSON Schema of its output. */
  "output_schema"?: Record<string, unknown> | null | undefined;
  /** JSON Schema of the setup parameters. */
  "setup_schema"?: Record<string, unknown> | null | undefined;
  /** The app's functions by name, each with its own schemas. */
  functions?:
    | Record<string, {
      name: string;
      description?: string | undefined;
      "input_schema"?: Record<string, unknown> | null | undefined;
      "output_schema"?: Record<string, unknown> | null | undefined;
    }>
    | null
    | undefined;
  /** The function run when a request names none. */
  "default_function"?: string | undefined;
  /** The variants by name (resources and environment of each). */
  variants?:
    | Record<string, { name: string; order?: number | undefined; [field: string]: unknown }>
    | null
    | undefined;
  /** Secrets the app needs. */
  "required_secrets"?:
    | { key: string; description?: string | undefined; optional?: boolean | undefined }[]
    | null
    | undefined;
  /** Integrations the app needs. */
  "required_integrations"?: { key: string; [field: string]: unknown }[] | null | undefined;
  /** Every other field of `AppVersionDTO`. */
  [field: string]: unknown;
}

/**
 * An app as `GET /apps/{namespace}/{name}` returns it (`AppDTO`), with its
 * current version.
 *
 * @example
 * ```ts
 * import type { App } from "@inferencesh/sdk/types";
 * function reference(app: App): string {
 *   return `${app.namespace}/${app.name}`;
 * }
 * ```
 */
export interface App {
  /** App id (what tasks carry as `app_id`). */
  id: string;
  /** The namespace, e.g. `"black-forest-labs"`. */
  namespace: string;
  /** The name within it, e.g. `"flux"`. */
  name: string;
  /** What the app does. */
  description?: string | undefined;
  /** Id of the current version. */
  "version_id"?: string | undefined;
  /** The current version: schemas, functions, variants, secrets. */
  version?: AppVersion | null | undefined;
  /** Every other field of `AppDTO`. */
  [field: string]: unknown;
}
