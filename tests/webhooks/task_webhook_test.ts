/// <reference lib="deno.ns" />
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  inference,
  parseTaskWebhook,
  type Task,
  TaskStatusCompleted,
  TaskStatusFailed,
  TaskStatusRunning,
  WebhookError,
} from "../../mod.ts";
import { createEmulator, type EmulatorOptions } from "../../src/testing/mod.ts";
import { emulatorState } from "../../src/testing/emulator.ts";
import { hasDeno, hostile, served } from "../_loopback.ts";

const KEY = "inf_test_key";
const HOOK = "https://example.com/hooks/task";

/** An emulator whose outbound requests land in `received`, and a client of it. */
function setup(options: EmulatorOptions = {}) {
  const received: Request[] = [];
  const waiters: ((request: Request) => void)[] = [];
  const emulator = createEmulator({
    stepMs: 1,
    heartbeatMs: 5,
    webhookFetch: (input, init) => {
      const request = new Request(input, init);
      received.push(request);
      waiters.shift()?.(request);
      return Promise.resolve(new Response(null, { status: 204 }));
    },
    ...options,
  });
  const client = inference({ apiKey: KEY, fetch: emulator.fetch });
  /** The next request sent after this call. */
  const next = (): Promise<Request> => new Promise((resolve) => waiters.push(resolve));
  return { emulator, client, received, next, [Symbol.dispose]: () => emulator.close() };
}

function webhookRequest(body: unknown): Request {
  return new Request("https://example.com/hooks/task", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("task webhooks from the emulator", () => {
  it("POSTs the task as GET /tasks/{id} answers it, once, when it ends", async () => {
    using env = setup();
    const delivered = env.next();
    const task = await env.client.tasks.run({ app: "infsh/echo", input: { n: 1 }, webhook: HOOK });
    const request = await delivered;
    assert.equal(request.method, "POST");
    assert.equal(request.url, HOOK);
    assert.equal(request.headers.get("content-type"), "application/json");
    const body = await request.json() as Task;
    assert.deepEqual(body, await env.client.tasks.get(task.id));
    assert.equal(body.status, TaskStatusCompleted);
    // Nothing more arrives for the same task.
    await env.client.tasks.run({ app: "infsh/echo", input: {} });
    assert.equal(env.received.length, 1);
  });

  it("delivers for failed and cancelled tasks too", async () => {
    using env = setup();
    const failed = env.next();
    await env.client.tasks.run({ app: "infsh/fail", input: { message: "no" }, webhook: HOOK });
    assert.equal(((await (await failed).json()) as Task).status, TaskStatusFailed);
    const cancelled = env.next();
    const sleeping = await env.client.tasks.run(
      { app: "infsh/sleep", input: { seconds: 60 }, webhook: HOOK },
      { wait: false },
    );
    await env.client.tasks.cancel(sleeping.id);
    assert.equal(((await (await cancelled).json()) as Task).id, sleeping.id);
    assert.equal(env.received.length, 2);
  });

  it("skips non-loopback URLs when no webhookFetch is given (the emulator is offline)", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const client = inference({ apiKey: KEY, fetch: emulator.fetch });
      await client.tasks.run({ app: "infsh/echo", input: {}, webhook: HOOK });
      const records = emulatorState(emulator)!.outbound.records;
      assert.equal(records.length, 1);
      assert.equal(records[0]!.status, undefined);
      assert.match(records[0]!.error ?? "", /skipped/);
      emulator.reset();
      assert.equal(records.length, 0);
    } finally {
      emulator.close();
    }
  });

  it("delivers over loopback to a real server", { skip: !hasDeno }, async () => {
    const got = Promise.withResolvers<{ body: Task; task: Task }>();
    await served({ stepMs: 1 }, async (_emulator, base) => {
      const client = inference({ apiKey: KEY, baseUrl: base });
      await hostile(async (req) => {
        const body = await req.clone().json() as Task;
        const task = await parseTaskWebhook(req, { client });
        got.resolve({ body, task });
        return new Response(null, { status: 204 });
      }, async (receiver) => {
        const hook = `${receiver}/hook`;
        const run = await client.tasks.run({ app: "infsh/echo", input: { x: 2 }, webhook: hook });
        const { body, task } = await got.promise;
        assert.equal(body.id, run.id);
        assert.equal(task.status, TaskStatusCompleted);
        assert.deepEqual(task.output, { x: 2 });
      });
    });
  });
});

describe("parseTaskWebhook()", () => {
  it("returns the task read from the API for a delivered webhook", async () => {
    using env = setup();
    const delivered = env.next();
    const run = await env.client.tasks.run({ app: "infsh/echo", input: { a: 1 }, webhook: HOOK });
    const task = await parseTaskWebhook(await delivered, { client: env.client });
    assert.equal(task.id, run.id);
    assert.equal(task.status, TaskStatusCompleted);
    assert.deepEqual(task.output, { a: 1 });
  });

  it("trusts the API, not the body: a forged status and output are ignored", async () => {
    using env = setup();
    const running = await env.client.tasks.run(
      { app: "infsh/sleep", input: { seconds: 60 } },
      { wait: false },
    );
    // Wait until the API says running, so the forged body differs from the truth.
    for await (const t of env.client.tasks.stream(running.id)) {
      if (t.status === TaskStatusRunning) break;
    }
    const forged = webhookRequest({ id: running.id, status: TaskStatusCompleted, output: "$$$" });
    const task = await parseTaskWebhook(forged, { client: env.client });
    assert.equal(task.status, TaskStatusRunning);
    assert.notEqual(task.output, "$$$");
  });

  it("finds the id in the { data } envelope and as task_id", async () => {
    using env = setup();
    const run = await env.client.tasks.run({ app: "infsh/echo", input: {} });
    for (const body of [{ data: { id: run.id } }, { task_id: run.id }, { task: { id: run.id } }]) {
      assert.equal(
        (await parseTaskWebhook(webhookRequest(body), { client: env.client })).id,
        run.id,
      );
    }
  });

  it("refuses a body without a task id, with missing_task_id, before any request", async () => {
    using env = setup();
    const before = env.emulator.requests.length;
    for (const body of [{}, { id: 7 }, { id: "" }, [1], "null"]) {
      const error = await parseTaskWebhook(webhookRequest(body), { client: env.client }).catch((
        e,
      ) => e);
      assert.ok(error instanceof WebhookError, String(error));
      assert.equal(error.reason, "missing_task_id");
    }
    assert.equal(env.emulator.requests.length, before);
  });

  it("refuses a body that is not JSON, with invalid_body", async () => {
    using env = setup();
    const error = await parseTaskWebhook(webhookRequest("{oops"), { client: env.client }).catch((
      e,
    ) => e);
    assert.ok(error instanceof WebhookError);
    assert.equal(error.reason, "invalid_body");
  });

  it("refuses an id the API does not know, with unknown_task and the 404 as cause", async () => {
    using env = setup();
    const error = await parseTaskWebhook(webhookRequest({ id: "task_forged" }), {
      client: env.client,
    }).catch((e) => e);
    assert.ok(error instanceof WebhookError, String(error));
    assert.equal(error.reason, "unknown_task");
    assert.equal(error.status, 404);
    assert.match(error.message, /task_forged/);
  });
});
