/// <reference lib="deno.ns" />
/**
 * Serves the emulator on 127.0.0.1 (the only file here that uses `Deno.*`).
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 src/testing/serve.ts --port 0 [--api-key k] \
 *   [--step-ms 40] [--heartbeat-ms 10000] [--framing partial|bare|wrapped]
 * ```
 *
 * The first line of stdout is the base URL, `http://127.0.0.1:<port>`; request
 * logs go to stderr. Ctrl-C or SIGTERM stops it.
 *
 * @module
 */

import { createEmulator, type EmulatorOptions } from "./emulator.ts";

const USAGE =
  "usage: serve.ts --port <n> [--api-key <key>] [--step-ms <n>] [--heartbeat-ms <n>] [--framing partial|bare|wrapped]";

interface Args {
  port: number;
  options: EmulatorOptions;
}

function parseArgs(argv: readonly string[]): Args {
  let port: number | undefined;
  const options: EmulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new TypeError(`missing value for ${name}`);
    const number = (): number => {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
        throw new TypeError(`${name} expects a number >= 0, got "${value}"`);
      }
      return n;
    };
    switch (name) {
      case "--port":
        port = number();
        break;
      case "--api-key":
        options.apiKey = value;
        break;
      case "--step-ms":
        options.stepMs = number();
        break;
      case "--heartbeat-ms":
        options.heartbeatMs = number();
        break;
      case "--framing":
        if (value !== "partial" && value !== "bare" && value !== "wrapped") {
          throw new TypeError(`--framing expects partial, bare or wrapped, got "${value}"`);
        }
        options.framing = value;
        break;
      default:
        throw new TypeError(`unknown option ${name}`);
    }
  }
  if (port === undefined) throw new TypeError("--port is required (0 picks a free port)");
  return { port, options };
}

let args: Args;
try {
  args = parseArgs(Deno.args);
} catch (error) {
  // deno-lint-ignore no-console
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  Deno.exit(2);
}

const emulator = createEmulator(args.options);
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: args.port,
  onListen: ({ port }) => {
    // deno-lint-ignore no-console
    console.log(`http://127.0.0.1:${port}`);
  },
}, async (request) => {
  const response = await emulator.handler(request);
  const { pathname, search } = new URL(request.url);
  // deno-lint-ignore no-console
  console.error(`${request.method} ${pathname}${search} ${response.status}`);
  return response;
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  // Ending the streams first lets shutdown() finish instead of waiting on them.
  emulator.close();
  void server.shutdown();
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(signal, stop);
  } catch {
    // SIGTERM cannot be listened to on Windows; Ctrl-C still works.
  }
}

await server.finished;
