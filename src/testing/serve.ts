/**
 * Serves the emulator on 127.0.0.1 over HTTP, in Deno, Node (20.19 and later) or
 * Bun: the entry behind `deno task emulator`, `inferencesh emulator` (the npm
 * package's bin) and `deno run jsr:@inferencesh/sdk/cli emulator`.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 src/testing/serve.ts --port 8787
 * npx @inferencesh/sdk@^0.7 emulator --port 8787        # Node, from npm
 * ```
 *
 * The first line of stdout is the base URL, `http://127.0.0.1:<port>`; request
 * logs go to stderr. Ctrl-C or SIGTERM stops it. This is the one module of the
 * package that reaches for a runtime's own server API (`Deno.serve`,
 * `Bun.serve`, `node:http`), chosen at call time; importing it runs nothing.
 *
 * @module
 */

import { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.ts";

/**
 * What `--help` prints.
 *
 * @example
 * ```ts
 * import { SERVE_USAGE } from "./serve.ts";
 *
 * console.assert(SERVE_USAGE.includes("--port"));
 * ```
 */
export const SERVE_USAGE: string = `Serve the inference.sh API emulator on 127.0.0.1.

Options:
  --port <n>            port to listen on; 0 picks a free one (default 8787)
  --api-key <key>       the only key accepted (default: any non-empty key)
  --step-ms <n>         pause between an app's steps and deltas, in ms (default 40)
  --heartbeat-ms <n>    stream heartbeat period in ms, 0 for none (default 10000)
  --framing <f>         task stream framing: partial (default), bare or wrapped
  --quiet               no request log on stderr
  -h, --help            this text

Prints the base URL (http://127.0.0.1:<port>) as the first line of stdout.
Point a client at it with inference({ apiKey: "any", baseUrl: "<that URL>" }).`;

/**
 * Parsed command line of the emulator server.
 *
 * @example
 * ```ts
 * import { parseServeArgs, type ServeArgs } from "./serve.ts";
 *
 * const args: ServeArgs = parseServeArgs(["--port", "0"]);
 * console.assert(args.port === 0);
 * ```
 */
export interface ServeArgs {
  /** The port to listen on, 0 for any free one. */
  port: number;
  /** What the emulator is created with. */
  options: EmulatorOptions;
  /** Whether `--help` was asked for: print {@linkcode SERVE_USAGE} and stop. */
  help: boolean;
  /** Whether to leave out the request log. */
  quiet: boolean;
}

/**
 * Parses the emulator server's arguments; throws a `TypeError` that says what
 * is wrong.
 *
 * @example
 * ```ts
 * import { parseServeArgs } from "./serve.ts";
 *
 * console.assert(parseServeArgs(["--help"]).help);
 * console.assert(parseServeArgs(["--port=9000", "--step-ms", "5"]).options.stepMs === 5);
 * ```
 */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { port: 8787, options: {}, help: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-h" || arg === "--help") {
      args.help = true;
      continue;
    }
    if (arg === "--quiet") {
      args.quiet = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!["--port", "--api-key", "--step-ms", "--heartbeat-ms", "--framing"].includes(name)) {
      throw new TypeError(`unknown option ${name}`);
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new TypeError(`missing value for ${name}`);
    const number = (): number => {
      const n = Number(value);
      if (value.trim() === "" || !Number.isInteger(n) || n < 0) {
        throw new TypeError(`${name} expects a whole number >= 0, got "${value}"`);
      }
      return n;
    };
    switch (name) {
      case "--port":
        args.port = number();
        if (args.port > 65535) throw new TypeError(`--port expects 0 to 65535, got ${value}`);
        break;
      case "--api-key":
        args.options.apiKey = value;
        break;
      case "--step-ms":
        args.options.stepMs = number();
        break;
      case "--heartbeat-ms":
        args.options.heartbeatMs = number();
        break;
      default:
        if (value !== "partial" && value !== "bare" && value !== "wrapped") {
          throw new TypeError(`--framing expects partial, bare or wrapped, got "${value}"`);
        }
        args.options.framing = value;
    }
  }
  return args;
}

/**
 * A running emulator server.
 *
 * @example
 * ```ts ignore
 * import { serveEmulator, type EmulatorServer } from "./serve.ts";
 *
 * const server: EmulatorServer = await serveEmulator({ port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export interface EmulatorServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The emulator behind it (its state, faults and recorded requests). */
  emulator: Emulator;
  /** Ends the emulator's streams and stops listening. */
  close(): Promise<void>;
}

/**
 * Settings of {@linkcode serveEmulator}.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "./serve.ts";
 *
 * const options: ServeOptions = { port: 0, options: { stepMs: 5 } };
 * console.assert(options.port === 0);
 * ```
 */
export interface ServeOptions {
  /** The port, 0 for any free one. */
  port: number;
  /** What the emulator is created with. */
  options?: EmulatorOptions | undefined;
  /** Called with each request and its status, e.g. to log it. */
  onRequest?: ((request: Request, status: number) => void) | undefined;
}

type Handler = (request: Request) => Promise<Response>;
interface Listening {
  port: number;
  close(): Promise<void>;
}

interface DenoLike {
  serve(
    options: { hostname: string; port: number; onListen: (addr: { port: number }) => void },
    handler: Handler,
  ): { shutdown(): Promise<void> };
}
interface BunLike {
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch: Handler;
  }): { port: number; stop(force?: boolean): Promise<void> | void };
}

/** Serves the emulator on 127.0.0.1 with the runtime's own HTTP server. */
export async function serveEmulator(settings: ServeOptions): Promise<EmulatorServer> {
  const emulator = createEmulator(settings.options ?? {});
  const handler: Handler = async (request) => {
    const response = await emulator.handler(request);
    settings.onRequest?.(request, response.status);
    return response;
  };
  const runtime = globalThis as { Deno?: DenoLike; Bun?: BunLike };
  let listening: Listening;
  const { Deno: deno, Bun: bun } = runtime;
  if (deno) {
    let port = 0;
    let onListen = (): void => {};
    const listened = new Promise<void>((resolve) => onListen = resolve);
    const server = deno.serve({
      hostname: "127.0.0.1",
      port: settings.port,
      onListen: (addr) => {
        port = addr.port;
        onListen();
      },
    }, handler);
    await listened;
    listening = { port, close: () => server.shutdown() };
  } else if (bun) {
    // idleTimeout 0: streams may be quiet longer than Bun's 10 s default.
    const server = bun.serve({
      hostname: "127.0.0.1",
      port: settings.port,
      idleTimeout: 0,
      fetch: handler,
    });
    listening = { port: server.port, close: async () => void await server.stop(true) };
  } else {
    listening = await serveNode(settings.port, handler);
  }
  return {
    url: `http://127.0.0.1:${listening.port}`,
    emulator,
    close: async () => {
      // Ending the streams first lets the server stop instead of waiting on them.
      emulator.close();
      await listening.close();
    },
  };
}

// The few node:http shapes used below (no @types/node in the build).
interface NodeRequest extends AsyncIterable<Uint8Array> {
  method?: string;
  url?: string;
  rawHeaders: string[];
}
interface NodeResponse {
  writeHead(status: number, headers: [string, string][]): void;
  write(chunk: Uint8Array): boolean;
  end(): void;
  once(event: "drain" | "close", listener: () => void): void;
  writableFinished: boolean;
}
interface NodeServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
  close(callback: () => void): void;
  closeAllConnections?(): void;
  once(event: "error", listener: (error: Error) => void): void;
}
interface NodeHttp {
  createServer(listener: (req: NodeRequest, res: NodeResponse) => void): NodeServer;
}

/** node:http ⇄ fetch: request bodies and response bodies both stream. */
async function serveNode(port: number, handler: Handler): Promise<Listening> {
  // @ts-ignore: the npm build type-checks without @types/node; NodeHttp is what is used.
  const http = (await import("node:http")) as NodeHttp;
  const server = http.createServer((req, res) => {
    void respond(req, res, handler);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    port: server.address().port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

async function respond(req: NodeRequest, res: NodeResponse, handler: Handler): Promise<void> {
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort(new Error("the client went away"));
  });
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal: gone.signal };
  if (hasBody) {
    const chunks = req[Symbol.asyncIterator]();
    init.body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      },
      async cancel() {
        await chunks.return?.();
      },
    });
    init.duplex = "half";
  }
  let response: Response;
  try {
    // The Host header keeps the port in the URLs the emulator hands out (upload URLs).
    const host = headers.get("host") ?? "127.0.0.1";
    response = await handler(new Request(`http://${host}${req.url ?? "/"}`, init));
  } catch (error) {
    response = new Response(String(error), { status: 500 });
  }
  res.writeHead(response.status, [...response.headers]);
  if (!response.body) return res.end();
  const reader = response.body.getReader();
  gone.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once("drain", resolve));
    }
  } catch {
    // The client went away or the body failed: nothing more to send.
  }
  res.end();
}

interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
  stopped(): Promise<void>;
}

function runtimeIo(): Io {
  const runtime = globalThis as {
    Deno?: { addSignalListener(signal: string, listener: () => void): void };
    process?: { once(signal: string, listener: () => void): void };
  };
  const { Deno: deno, process } = runtime;
  return {
    // deno-lint-ignore no-console
    out: (line) => console.log(line),
    // deno-lint-ignore no-console
    err: (line) => console.error(line),
    stopped: () =>
      new Promise<void>((resolve) => {
        for (const signal of ["SIGINT", "SIGTERM"]) {
          try {
            if (deno) deno.addSignalListener(signal, resolve);
            else process?.once(signal, resolve);
          } catch {
            // SIGTERM cannot be listened to on Windows; Ctrl-C still works.
          }
        }
      }),
  };
}

/**
 * The `emulator` command: parses `argv`, serves until stopped, and resolves
 * with the exit code (0, or 2 for bad arguments).
 *
 * @example
 * ```ts
 * import { runEmulatorCommand } from "./serve.ts";
 *
 * console.assert(await runEmulatorCommand(["--help"]) === 0);
 * ```
 */
export async function runEmulatorCommand(argv: readonly string[]): Promise<number> {
  const io = runtimeIo();
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : error}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(SERVE_USAGE);
    return 0;
  }
  const server = await serveEmulator({
    port: args.port,
    options: args.options,
    onRequest: args.quiet ? undefined : (request, status) => {
      const { pathname, search } = new URL(request.url);
      io.err(`${request.method} ${pathname}${search} ${status}`);
    },
  });
  io.out(server.url);
  await io.stopped();
  await server.close();
  return 0;
}

if ((import.meta as { main?: boolean }).main) {
  const deno = (globalThis as { Deno?: { args: string[]; exit(code: number): never } }).Deno;
  const code = await runEmulatorCommand(deno?.args ?? []);
  if (code !== 0) deno?.exit(code);
}
