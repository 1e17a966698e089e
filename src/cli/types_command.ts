/**
 * `inferencesh types ns/app …`: reads apps' schemas from the API and writes
 * TypeScript that registers them in `AppTypes`. {@linkcode runTypes} is
 * runtime-neutral (it reads and writes through a {@linkcode CliIo});
 * {@linkcode runTypesCommand} gives it the runtime's environment, output and
 * files (Deno, Node, Bun).
 *
 * @module
 */

import { inference } from "../client.ts";
import { InferenceError } from "../errors.ts";
import type { FetchLike } from "../http/config.ts";
import type { App } from "../apps/types.ts";
import { generateAppTypes } from "./generate.ts";

/**
 * What the command line may touch, given by the entry script (or a test).
 *
 * @example
 * ```ts
 * import type { CliIo } from "./types_command.ts";
 * const out: string[] = [];
 * const io: CliIo = {
 *   env: () => undefined,
 *   stdout: (text) => out.push(text),
 *   stderr: (text) => out.push(text),
 *   writeFile: () => Promise.resolve(),
 * };
 * ```
 */
export interface CliIo {
  /** An environment variable (`INFERENCE_API_KEY`, `INFERENCE_BASE_URL`). */
  env(name: string): string | undefined;
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Writes a file (creating or replacing it). */
  writeFile(path: string, text: string): Promise<void>;
  /** The `fetch` the client uses. @default {globalThis.fetch} */
  fetch?: FetchLike | undefined;
}

const USAGE = `Usage: inferencesh types <namespace/app>... [options]

Reads each app's schemas from the API and writes TypeScript that registers them
in AppTypes: client.tasks.run({ app, input }) then checks input and types output.

Options:
  -o, --out <file>     Write to <file> (default: standard output)
  --module <spec>      The specifier your code imports the SDK by
                       (default: @inferencesh/sdk)
  --base-url <url>     The API (default: $INFERENCE_BASE_URL or https://api.inference.sh)
  -h, --help           This text

The API key is read from $INFERENCE_API_KEY.
Example: deno run -A jsr:@inferencesh/sdk/cli types black-forest-labs/flux -o src/app_types.ts
`;

/**
 * Runs `inferencesh types` with `args` (the arguments after `types`) and
 * returns the exit code: 0 done, 1 failed, 2 bad usage.
 *
 * @example
 * ```ts
 * import { runTypes } from "./types_command.ts";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator();
 * let text = "";
 * const code = await runTypes(["infsh/image"], {
 *   env: (name) => (name === "INFERENCE_API_KEY" ? "test" : undefined),
 *   stdout: (chunk) => text += chunk,
 *   stderr: (chunk) => console.error(chunk),
 *   writeFile: () => Promise.resolve(),
 *   fetch: emulator.fetch,
 * });
 * console.log(code, text.includes('"infsh/image"')); // 0 true
 * emulator.close();
 * ```
 */
export async function runTypes(rest: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseTypesArgs(rest);
  if (typeof parsed === "string") {
    io.stderr(`${parsed}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(USAGE);
    return 0;
  }
  const apiKey = io.env("INFERENCE_API_KEY");
  if (apiKey === undefined || apiKey.trim() === "") {
    io.stderr("Cannot read apps: set INFERENCE_API_KEY to your API key.\n");
    return 1;
  }
  const baseUrl = parsed.baseUrl ?? io.env("INFERENCE_BASE_URL");
  try {
    const client = inference({
      apiKey,
      ...(baseUrl ? { baseUrl } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
    const apps: App[] = [];
    for (const ref of parsed.apps) apps.push(await client.apps.get(ref));
    const text = generateAppTypes(apps, {
      module: parsed.module,
      command: [
        "inferencesh",
        "types",
        ...parsed.apps,
        ...(parsed.module ? ["--module", parsed.module] : []),
      ]
        .join(" "),
    });
    if (parsed.out === undefined) {
      io.stdout(text);
    } else {
      await io.writeFile(parsed.out, text);
      io.stderr(`Wrote ${parsed.out} (${apps.length} app${apps.length === 1 ? "" : "s"}).\n`);
    }
    return 0;
  } catch (error) {
    const message = error instanceof InferenceError || error instanceof TypeError
      ? error.message
      : String(error instanceof Error ? error.message : error);
    io.stderr(`${message}\n`);
    return 1;
  }
}

interface TypesArgs {
  apps: string[];
  out?: string | undefined;
  module?: string | undefined;
  baseUrl?: string | undefined;
  help: boolean;
}

/** The `types` command's arguments, or what is wrong with them. */
function parseTypesArgs(args: readonly string[]): TypesArgs | string {
  const result: TypesArgs = { apps: [], help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case "-h":
      case "--help":
        result.help = true;
        break;
      case "-o":
      case "--out":
        result.out = value();
        if (!result.out) return `${flag} needs a file name.`;
        break;
      case "--module":
        result.module = value();
        if (!result.module) return "--module needs a module specifier.";
        break;
      case "--base-url":
        result.baseUrl = value();
        if (!result.baseUrl) return "--base-url needs a URL.";
        break;
      default:
        if (arg.startsWith("-")) return `Unknown option "${arg}".`;
        if (!/^[^/\s]+\/[^/\s]+$/.test(arg)) {
          return `"${arg}" is not an app reference like "namespace/name".`;
        }
        result.apps.push(arg);
    }
  }
  if (result.apps.length === 0 && !result.help) return "Name at least one app.";
  return result;
}

/**
 * Runs `inferencesh types` with the runtime's environment, standard output
 * and files (Deno, Node or Bun): the `types` entry of the command line.
 *
 * @example
 * ```ts
 * import { runTypesCommand } from "./types_command.ts";
 *
 * console.assert(await runTypesCommand(["--help"]) === 0);
 * ```
 */
export async function runTypesCommand(argv: readonly string[]): Promise<number> {
  const runtime = globalThis as {
    Deno?: {
      env: { get(name: string): string | undefined };
      writeTextFile(path: string, text: string): Promise<void>;
    };
    process?: { env: Record<string, string | undefined> };
  };
  const { Deno: deno, process } = runtime;
  return await runTypes(argv, {
    env: (name) => deno ? deno.env.get(name) : process?.env[name],
    // deno-lint-ignore no-console
    stdout: (text) => console.log(text.replace(/\n$/, "")),
    // deno-lint-ignore no-console
    stderr: (text) => console.error(text.replace(/\n$/, "")),
    writeFile: async (path, text) => {
      if (deno) return await deno.writeTextFile(path, text);
      // @ts-ignore: the npm build type-checks without @types/node (as in testing/serve.ts).
      const fs = await import("node:fs/promises");
      await fs.writeFile(path, text, "utf8");
    },
  });
}
