// Shared helpers of the durable-task tests.
import { type ClientOptions, inference, type InferenceClient } from "../../mod.ts";
import {
  type AppContext,
  type AppDefinition,
  createEmulator,
  type Emulator,
  type EmulatorOptions,
} from "../../src/testing/mod.ts";
import { emulatorState } from "../../src/testing/emulator.ts";

export const KEY = "inf_test_key";

/** A command to the stepped app. */
type Step = { kind: "delta"; text: string } | { kind: "finish"; output: unknown };

/** The stepped app and its remote control. */
export interface SteppedApp {
  definition: AppDefinition;
  /** Makes the running task emit a delta `{response: text}`. */
  delta(text: string): void;
  /** Makes the running task complete with `output`. */
  finish(output: unknown): void;
}

/** What {@linkcode setup} returns. */
export interface DurableSetup {
  emulator: Emulator;
  app: SteppedApp;
  /** A new client (a new "process") of the emulator; `options` such as its `clock`. */
  client(options?: Pick<ClientOptions, "clock">): InferenceClient;
  [Symbol.dispose](): void;
}

/**
 * `test/stepped`: an app that does exactly what the test tells it, when it
 * tells it: emit a delta, or finish. So tests never depend on timing.
 */
export function steppedApp(): SteppedApp {
  const queue: Step[] = [];
  let wake: (() => void) | undefined;
  const push = (step: Step): void => {
    queue.push(step);
    wake?.();
  };
  return {
    definition: {
      name: "test/stepped",
      async run(_input: unknown, context: AppContext): Promise<unknown> {
        while (true) {
          const step = queue.shift();
          if (!step) {
            await new Promise<void>((resolve, reject) => {
              wake = resolve;
              context.signal.addEventListener("abort", () => reject(context.signal.reason), {
                once: true,
              });
            });
            continue;
          }
          if (step.kind === "finish") return step.output;
          context.delta({ response: step.text });
        }
      },
    },
    delta: (text: string) => push({ kind: "delta", text }),
    finish: (output: unknown) => push({ kind: "finish", output }),
  };
}

/**
 * A `fetch` in front of the emulator that behaves like a server replaying a
 * task's deltas: every new `GET /tasks/{id}/stream` first sends every delta
 * the task produced so far, then the live stream.
 */
export function replayingFetch(emulator: Emulator): typeof emulator.fetch {
  const state = emulatorState(emulator)!;
  const logs = new Map<string, string[]>();
  const logOf = (id: string): string[] => {
    let log = logs.get(id);
    if (!log) {
      log = [];
      logs.set(id, log);
      const lines = log;
      state.tasks.subscribe(id, (change) => {
        if (change.type === "delta") {
          lines.push(
            JSON.stringify({ event: "delta", data: { delta: change.delta, seq: change.seq } }),
          );
        }
      });
    }
    return log;
  };
  return async (input, init) => {
    const request = new Request(input, init);
    const match = /^\/tasks\/([^/]+)(\/stream)?$/.exec(new URL(request.url).pathname);
    if (match) logOf(decodeURIComponent(match[1]!));
    const response = await emulator.fetch(request);
    if (!match?.[2] || !response.ok || !response.body) return response;
    const replay = new TextEncoder().encode(
      logOf(decodeURIComponent(match[1]!)).map((line) => line + "\n").join(""),
    );
    const body = response.body;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        if (replay.byteLength > 0) controller.enqueue(replay);
        const reader = body.getReader();
        try {
          for (let r = await reader.read(); !r.done; r = await reader.read()) {
            controller.enqueue(r.value);
          }
          controller.close();
        } catch (error) {
          controller.error(error);
        }
      },
      cancel(reason) {
        return body.cancel(reason);
      },
    });
    return new Response(stream, { status: response.status, headers: response.headers });
  };
}

/** An emulator with the stepped app, and a way to make clients ("processes") of it. */
export function setup(options: EmulatorOptions = {}, replay = false): DurableSetup {
  const app = steppedApp();
  const emulator = createEmulator({
    stepMs: 1,
    heartbeatMs: 5,
    ...options,
    apps: [app.definition, ...(options.apps ?? [])],
  });
  const fetch = replay ? replayingFetch(emulator) : emulator.fetch;
  const client = (extra: Pick<ClientOptions, "clock"> = {}): InferenceClient =>
    inference({ apiKey: KEY, fetch, ...extra });
  return { emulator, app, client, [Symbol.dispose]: () => emulator.close() };
}

/** Resolves once `predicate` holds, checked after every call of the returned `tick`. */
export function until(predicate: () => boolean): { promise: Promise<void>; tick: () => void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  const tick = (): void => {
    if (predicate()) resolve();
  };
  return { promise, tick };
}

/** The method and path of every API request. */
export function calls(emulator: Emulator): string[] {
  return emulator.requests.filter((r) => !r.path.startsWith("/__")).map((r) =>
    `${r.method} ${r.path}`
  );
}
