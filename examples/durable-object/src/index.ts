/**
 * A Cloudflare Worker whose Durable Objects run inference tasks that outlive
 * any request and any isolate: an object starts a task, stores its handle (a
 * few hundred bytes of JSON) and sets an alarm; each alarm waits on the task a
 * bounded time (`tasks.wait`), and records the result exactly once, in the
 * same storage transaction that forgets the handle. If the isolate dies (a
 * deploy, an eviction, a crash), the alarm runs again and picks the task up
 * from the stored handle.
 *
 *   POST /jobs/{name}  body {app, inputs: [...], concurrency}: one task per input, at most
 *                      `concurrency` at once (posting again to the same name does nothing)
 *   GET  /jobs/{name}  what the object knows: the handles pending, the results
 *
 *   npx jsr add @inferencesh/sdk      (this SDK from JSR; from npm: npm install @inferencesh/sdk@^0.7
 *                                      once 0.7 is published there: npm's 0.6.x is the previous SDK)
 *   npx wrangler secret put INFERENCE_API_KEY
 *   npx wrangler dev          (then: npx wrangler deploy)
 *
 * No compatibility flags are needed: the SDK uses web standards only.
 */
import {
  inference,
  isTerminalStatus,
  type Task,
  type TaskHandle,
  taskHandle,
} from "@inferencesh/sdk";

/** The Worker's bindings (wrangler.toml). */
export interface Env {
  INFERENCE_API_KEY: string;
  /** Unset: the real API. */
  INFERENCE_BASE_URL?: string;
  JOBS: DurableObjectNamespaceLike;
}

/** How long one alarm waits on its tasks before it stores their progress and re-arms. */
const WAIT_MS = 5_000;
/** The next alarm comes this soon after one that left work. */
const REARM_MS = 100;

/** A recorded result: written once, in the transaction that drops the handle. */
interface Recorded {
  job: number;
  taskId: string;
  status: number;
  output: unknown;
  error: string | null | undefined;
  /** How many times this job was recorded: the test checks it stays 1. */
  recordings: number;
}

export class JobRunner {
  readonly #state: DurableObjectStateLike;
  readonly #env: Env;

  constructor(state: DurableObjectStateLike, env: Env) {
    this.#state = state;
    this.#env = env;
  }

  #client() {
    return inference({
      apiKey: this.#env.INFERENCE_API_KEY,
      baseUrl: this.#env.INFERENCE_BASE_URL,
    });
  }

  async fetch(request: Request): Promise<Response> {
    const storage = this.#state.storage;
    if (request.method === "GET") {
      const pending = await storage.list<TaskHandle>({ prefix: "handle:" });
      const results = await storage.list<Recorded>({ prefix: "result:" });
      const queued = (await storage.get<number[]>("queue")) ?? [];
      return Response.json({
        pending: [...pending.values()],
        queued: queued.length,
        results: [...results.values()],
        alarm: await storage.getAlarm(),
      });
    }
    if ((await storage.get("started")) === true) return Response.json({ started: false });
    const body = await request.json() as {
      app: string;
      inputs: Record<string, unknown>[];
      concurrency?: number;
    };
    await storage.put({
      started: true,
      app: body.app,
      inputs: body.inputs,
      concurrency: body.concurrency ?? 1,
      queue: body.inputs.map((_, job) => job),
    });
    await this.#fill();
    await storage.setAlarm(Date.now() + REARM_MS);
    return Response.json({ started: true });
  }

  /** Starts queued jobs until `concurrency` tasks are pending. */
  async #fill(): Promise<void> {
    const storage = this.#state.storage;
    const app = (await storage.get<string>("app"))!;
    const inputs = (await storage.get<Record<string, unknown>[]>("inputs"))!;
    const concurrency = (await storage.get<number>("concurrency"))!;
    const queue = (await storage.get<number[]>("queue")) ?? [];
    let pending = (await storage.list({ prefix: "handle:" })).size;
    const client = this.#client();
    while (pending < concurrency && queue.length > 0) {
      const job = queue[0]!;
      // Start, then store the handle and dequeue in one write: a crash in between
      // starts this job again on the next alarm (it is recorded once either way).
      const task = await client.tasks.run({ app, input: inputs[job]! }, { wait: false });
      queue.shift();
      await storage.put({ [`handle:${job}`]: taskHandle(task), queue });
      pending++;
    }
  }

  async alarm(): Promise<void> {
    const storage = this.#state.storage;
    const client = this.#client();
    const pending = await storage.list<TaskHandle>({ prefix: "handle:" });
    await Promise.all([...pending].map(async ([key, handle]) => {
      const task: Task = await client.tasks.wait(handle, { timeoutMs: WAIT_MS });
      const job = Number(key.slice("handle:".length));
      if (!isTerminalStatus(task.status)) {
        // Keep what was learnt (status, delta cursors) for the next alarm or isolate.
        await storage.put(key, taskHandle(task, handle));
        return;
      }
      await storage.transaction(async (txn) => {
        if ((await txn.get(key)) === undefined) return; // recorded by an earlier run
        const earlier = await txn.get<Recorded>(`result:${job}`);
        await txn.put(
          `result:${job}`,
          {
            job,
            taskId: task.id,
            status: task.status,
            output: task.output,
            error: task.error,
            recordings: (earlier?.recordings ?? 0) + 1,
          } satisfies Recorded,
        );
        await txn.delete(key);
      });
    }));
    await this.#fill();
    const left = (await storage.list({ prefix: "handle:" })).size;
    if (left > 0) await storage.setAlarm(Date.now() + REARM_MS);
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> | Response {
    const match = /^\/jobs\/([\w-]+)$/.exec(new URL(request.url).pathname);
    if (!match) return new Response("Not found", { status: 404 });
    const stub = env.JOBS.get(env.JOBS.idFromName(match[1]!));
    return stub.fetch(request);
  },
};

// The few Durable Object types used here (from @cloudflare/workers-types, which
// you would normally install instead).
/** `DurableObjectStorage`, the part used here. */
export interface DurableObjectStorageLike {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(key: string): Promise<boolean>;
  list<T = unknown>(options?: { prefix?: string }): Promise<Map<string, T>>;
  transaction<T>(closure: (txn: DurableObjectStorageLike) => Promise<T>): Promise<T>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
}
/** `DurableObjectState`, the part used here. */
export interface DurableObjectStateLike {
  readonly storage: DurableObjectStorageLike;
}
/** `DurableObjectNamespace`, the part used here. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}
