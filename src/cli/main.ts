/**
 * The `inferencesh` command line: one entry, one subcommand per tool.
 *
 * ```sh
 * npx @inferencesh/sdk@^0.7 emulator --port 8787                 # Node 20.19+, from npm
 * deno run --allow-net=127.0.0.1 jsr:@inferencesh/sdk/cli emulator --port 8787   # Deno, from JSR
 * ```
 *
 * A subcommand is an entry of {@linkcode COMMANDS}: a one-line summary and a
 * `run(argv)` that resolves with the exit code. Subcommands are imported only
 * when run, so one that needs a runtime API costs the others nothing.
 *
 * @module
 */

import { VERSION } from "../version.ts";

/**
 * One subcommand of the command line.
 *
 * @example
 * ```ts
 * import type { Command } from "./main.ts";
 *
 * const hello: Command = { summary: "say hello", run: () => Promise.resolve(0) };
 * console.assert(hello.summary === "say hello");
 * ```
 */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves with the exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/**
 * The subcommands, by name. To add one, add an entry here (its module is
 * imported in `run`, not at the top).
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./main.ts";
 *
 * console.assert("emulator" in COMMANDS);
 * ```
 */
export const COMMANDS: Record<string, Command> = {
  emulator: {
    summary: "serve the API emulator on 127.0.0.1 (--port 8787; --help for options)",
    run: async (argv) => (await import("../testing/serve.ts")).runEmulatorCommand(argv),
  },
  types: {
    summary: "write TypeScript types of apps from their schemas (types ns/app… -o app_types.ts)",
    run: async (argv) => (await import("./types_command.ts")).runTypesCommand(argv),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const list = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join("\n");
  return `inferencesh ${VERSION}: tools of the @inferencesh/sdk package

Usage: inferencesh <command> [options]

Commands:
${list}

inferencesh <command> --help shows a command's options.`;
}

/**
 * Runs the command line `argv` (the arguments after the program's name) and
 * resolves with the exit code: 0, 1 when the command failed, 2 for a usage error.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 *
 * console.assert(await main(["--version"]) === 0);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  // deno-lint-ignore no-console
  const out = (text: string) => console.log(text);
  // deno-lint-ignore no-console
  const err = (text: string) => console.error(text);
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    (name === undefined ? err : out)(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "-v" || name === "--version") {
    out(VERSION);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    err(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    err(`inferencesh ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if ((import.meta as { main?: boolean }).main) {
  const runtime = globalThis as {
    Deno?: { args: string[]; exit(code: number): never };
    process?: { argv: string[]; exitCode?: number };
  };
  const { Deno: deno, process } = runtime;
  const code = await main(deno?.args ?? process?.argv.slice(2) ?? []);
  if (deno) {
    if (code !== 0) deno.exit(code);
  } else if (process) process.exitCode = code;
}
