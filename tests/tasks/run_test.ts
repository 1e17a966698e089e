import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APIConnectionError,
  AuthenticationError,
  inference,
  InferenceError,
  InternalServerError,
  isTerminalStatus,
  NotFoundError,
  RequirementsNotMetError,
  StreamError,
  type Task,
  TaskStatusCancelled,
  TaskStatusCompleted,
  TaskStatusFailed,
  TaskStatusReceived,
  TaskStatusRunning,
} from "../../mod.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { Ids } from "../../src/testing/ids.ts";
import { calls, FAST, KEY, setup, until } from "./_setup.ts";

/** Runs with recording callbacks; returns the result, the updates and the streamed text. */
async function recordRun(
  client: ReturnType<typeof setup>["client"],
  app: string,
  input: Record<string, unknown>,
  options: Parameters<ReturnType<typeof setup>["client"]["tasks"]["run"]>[1] = {},
) {
  const updates: Task[] = [];
  let text = "";
  let soFar = "";
  const result = await client.tasks.run({ app, input }, {
    ...FAST,
    ...options,
    onUpdate: (task) => updates.push(task),
    onDelta: (delta, accumulated) => {
      text += delta.delta.response ?? "";
      soFar = accumulated.response;
    },
  });
  const terminal = updates.filter((task) => isTerminalStatus(task.status));
  return { result, updates, terminal, text, soFar };
}

describe("tasks.run()", () => {
  it("resolves with the completed task and reports every update, the terminal one once", async () => {
    using env = setup();
    const input = { prompt: "hi", nested: { n: [1, 2] } };
    const { result, updates, terminal } = await recordRun(env.client, "infsh/echo", input);
    assert.equal(result.status, TaskStatusCompleted);
    assert.deepEqual(result.output, input);
    assert.equal(terminal.length, 1);
    assert.equal(updates.at(-1), result);
    const statuses = updates.map((t) => t.status);
    assert.ok(statuses.includes(TaskStatusRunning), String(statuses));
    assert.deepEqual([...statuses].sort((a, b) => a - b), statuses, "statuses only move forward");
    assert.deepEqual(calls(env.emulator), ["POST /apps/run", `GET /tasks/${result.id}/stream`]);
  });

  it("sends the request body as given, input included", async () => {
    using env = setup();
    const params = {
      app: "infsh/echo",
      input: { prompt: "x" },
      setup: { model: "schnell" },
      infra: "cloud" as const,
      variant: "fp16",
      webhook: "https://example.com/hook",
    };
    await env.client.tasks.run(params, { wait: false });
    const body = JSON.parse(env.emulator.requests[0]!.body);
    assert.deepEqual(body, params);
    assert.equal(env.emulator.requests[0]!.headers["authorization"], `Bearer ${KEY}`);
  });

  it("resolves failed and cancelled tasks too: the caller checks status", async () => {
    using env = setup();
    const failed = await env.client.tasks.run({
      app: "infsh/fail",
      input: { message: "CUDA OOM" },
    });
    assert.equal(failed.status, TaskStatusFailed);
    assert.equal(failed.error, "CUDA OOM");

    const sleeping = env.client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
      onUpdate: (task) => {
        if (task.status === TaskStatusRunning) env.client.tasks.cancel(task.id);
      },
    });
    const cancelled = await sleeping;
    assert.equal(cancelled.status, TaskStatusCancelled);
  });

  it("returns the created task at once with wait: false", async () => {
    using env = setup();
    const task = await env.client.tasks.run({ app: "infsh/echo", input: {} }, { wait: false });
    assert.equal(task.status, TaskStatusReceived);
    assert.match(task.id, /\S/);
    assert.deepEqual(calls(env.emulator), ["POST /apps/run"]);
  });

  it("hands token deltas to onDelta, accumulated, and keeps them out of the task", async () => {
    using env = setup();
    const prompt = "héllo wörld 😀 你好";
    const { result, text, soFar, updates } = await recordRun(env.client, "infsh/text-stream", {
      prompt,
    });
    const response = (result.output as { response: string }).response;
    assert.ok(response.includes(prompt));
    assert.equal(text, response);
    assert.equal(soFar, response);
    for (const task of updates) {
      assert.equal("delta" in task, false);
      assert.equal("seq" in task, false);
    }
  });

  for (const framing of ["partial", "bare", "wrapped"] as const) {
    it(`reads ${framing} update framing`, async () => {
      using env = setup({ framing });
      const { result, updates, terminal } = await recordRun(env.client, "infsh/echo", { a: 1 });
      assert.equal(result.status, TaskStatusCompleted);
      assert.deepEqual(result.output, { a: 1 });
      assert.ok(updates.length >= 3, `${updates.length} updates`);
      assert.equal(terminal.length, 1);
    });
  }

  it("follows by polling when stream is false", async () => {
    using env = setup();
    const { result, terminal } = await recordRun(env.client, "infsh/echo", { a: 1 }, {
      stream: false,
      pollIntervalMs: 2,
    });
    assert.equal(result.status, TaskStatusCompleted);
    assert.deepEqual(result.output, { a: 1 });
    assert.equal(terminal.length, 1);
    const paths = calls(env.emulator);
    assert.ok(paths.includes(`GET /tasks/${result.id}/status`));
    assert.ok(paths.includes(`GET /tasks/${result.id}`));
    assert.equal(paths.some((p) => p.endsWith("/stream")), false);
  });
});

describe("tasks.run() recovers from stream faults", () => {
  const faults = {
    "a stream that ends early": (e: ReturnType<typeof setup>["emulator"]) =>
      e.faults.dropStreamAfter(2),
    "a stream that breaks": (e: ReturnType<typeof setup>["emulator"]) =>
      e.faults.dropStreamAfter(2, { mode: "error" }),
    "a malformed line": (e: ReturnType<typeof setup>["emulator"]) => e.faults.malformedLineAfter(2),
    "a stalled stream": (e: ReturnType<typeof setup>["emulator"]) => e.faults.stallStreamAfter(1),
  };
  for (const [name, inject] of Object.entries(faults)) {
    it(`survives ${name}, reporting the terminal update exactly once`, async () => {
      // Slow enough steps that the task is still running when the stall is noticed.
      using env = setup({ stepMs: 40 });
      inject(env.emulator);
      const { result, terminal, text } = await recordRun(env.client, "infsh/text-stream", {
        prompt: "a resilient stream of several words",
      }, { idleTimeoutMs: 100 });
      assert.equal(result.status, TaskStatusCompleted);
      assert.equal(terminal.length, 1);
      assert.equal(terminal[0], result);
      const streams = calls(env.emulator).filter((c) => c.endsWith("/stream"));
      assert.ok(streams.length >= 2, `reconnected: ${streams.length} stream requests`);
      assert.ok(calls(env.emulator).includes(`GET /tasks/${result.id}`), "reconciled");
      // No delta is delivered twice (lost ones cannot be replayed by the server).
      const response = (result.output as { response: string }).response;
      assert.ok(response.startsWith(text) || response.endsWith(text) || response.includes(text));
    });
  }

  it("reconnects even when the reconciling read fails too", async () => {
    using env = setup({ stepMs: 20 });
    env.emulator.faults.dropStreamAfter(2);
    // The reconcile GET and its two retries fail; the next reconnect succeeds.
    env.emulator.faults.failNext(500, {
      path: `/tasks/${new Ids().next()}`,
      method: "GET",
      times: 3,
    });
    const { result, terminal } = await recordRun(env.client, "infsh/echo", { a: 1 });
    assert.equal(result.status, TaskStatusCompleted);
    assert.equal(terminal.length, 1);
  });

  it("keeps UTF-8 intact when the server cuts characters across writes", async () => {
    using env = setup();
    env.emulator.faults.splitUtf8(true);
    const prompt = "😀 ünïcödé 你好 🚀";
    const { result, text } = await recordRun(env.client, "infsh/text-stream", { prompt });
    assert.equal(text, (result.output as { response: string }).response);
    assert.ok(text.includes(prompt));
  });

  it("goes on by polling after maxReconnects stream failures in a row", async () => {
    using env = setup({ stepMs: 10 });
    env.emulator.faults.dropStreamAfter(0, { times: 50 });
    const { result, terminal } = await recordRun(env.client, "infsh/echo", { a: 1 }, {
      maxReconnects: 2,
      pollIntervalMs: 5,
    });
    assert.equal(result.status, TaskStatusCompleted);
    assert.deepEqual(result.output, { a: 1 });
    assert.equal(terminal.length, 1);
    assert.equal(calls(env.emulator).filter((c) => c.endsWith("/stream")).length, 3);
    assert.ok(calls(env.emulator).includes(`GET /tasks/${result.id}/status`));
  });

  it("gives up with a StreamError after maxReconnects failures with fallbackToPolling: false", async () => {
    using env = setup();
    env.emulator.faults.dropStreamAfter(0, { times: 50 });
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
        ...FAST,
        maxReconnects: 2,
        fallbackToPolling: false,
      }),
      StreamError,
    );
    assert.equal(calls(env.emulator).filter((c) => c.endsWith("/stream")).length, 3);
  });

  it("does not reconnect with autoReconnect: false", async () => {
    using env = setup();
    env.emulator.faults.dropStreamAfter(1);
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
        autoReconnect: false,
      }),
      StreamError,
    );
    assert.equal(calls(env.emulator).filter((c) => c.endsWith("/stream")).length, 1);
  });
});

describe("tasks.run() and the API's errors", () => {
  it("honours 429 with Retry-After on create, creating one task", async () => {
    using env = setup();
    env.emulator.faults.failNext(429, { retryAfter: "0", path: "/apps/run" });
    const result = await env.client.tasks.run({ app: "infsh/echo", input: { a: 1 } });
    assert.equal(result.status, TaskStatusCompleted);
    assert.equal(calls(env.emulator).filter((c) => c === "POST /apps/run").length, 2);
  });

  it("retries a refused connection, but not a lost response, on create", async () => {
    using env = setup({}, { maxRetries: 2 });
    env.emulator.faults.refuseConnection({ path: "/apps/run" });
    const ok = await env.client.tasks.run({ app: "infsh/echo", input: {} });
    assert.equal(ok.status, TaskStatusCompleted);

    env.emulator.reset();
    env.emulator.faults.loseResponse({ path: "/apps/run" });
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/echo", input: {} }),
      APIConnectionError,
    );
    // The lost response's task exists, and no duplicate was created.
    assert.equal(calls(env.emulator).filter((c) => c === "POST /apps/run").length, 1);
  });

  it("does not retry a 500 on create", async () => {
    using env = setup();
    env.emulator.faults.failNext(500, { path: "/apps/run" });
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/echo", input: {} }),
      InternalServerError,
    );
    assert.equal(calls(env.emulator).length, 1);
  });

  it("retries a 503 on the stream connect", async () => {
    using env = setup();
    env.emulator.faults.failNext(503, { retryAfter: "0", path: "/tasks/" });
    const result = await env.client.tasks.run({ app: "infsh/echo", input: {} });
    assert.equal(result.status, TaskStatusCompleted);
  });

  it("throws RequirementsNotMetError with the missing secrets", async () => {
    using env = setup();
    const error = await env.client.tasks.run({ app: "infsh/needs-secret", input: {} }).then(
      () => assert.fail("resolved"),
      (e: RequirementsNotMetError) => e,
    );
    assert.ok(error instanceof RequirementsNotMetError);
    assert.equal(error.status, 412);
    assert.equal(error.errors[0]?.key, "OPENAI_API_KEY");
  });

  it("throws NotFoundError for an unknown app or task", async () => {
    using env = setup();
    await assert.rejects(env.client.tasks.run({ app: "nobody/nothing", input: {} }), NotFoundError);
    await assert.rejects(env.client.tasks.get("task_missing"), NotFoundError);
  });

  it("throws AuthenticationError for a wrong key, without the key in it", async () => {
    const emulator = createEmulator({ apiKey: "the-right-key" });
    try {
      const client = inference({ apiKey: KEY, fetch: emulator.fetch });
      const error = await client.tasks.get("task_1").then(() => assert.fail(), (e) => e);
      assert.ok(error instanceof AuthenticationError);
      assert.equal(String(error).includes(KEY), false);
      assert.equal(JSON.stringify(error).includes(KEY), false);
    } finally {
      emulator.close();
    }
  });
});

describe("tasks.run() input checks", () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["missing app", { input: {} }, /'app'/],
    ["empty app", { app: " ", input: {} }, /'app'/],
    ["input not an object", { app: "a/b", input: "text" }, /'input'/],
    ["input an array", { app: "a/b", input: [1] }, /'input'/],
    ["missing input", { app: "a/b" }, /'input'/],
    [
      "session_timeout without new",
      { app: "a/b", input: {}, session_timeout: 10 },
      /'session_timeout'/,
    ],
    [
      "session_timeout 0",
      { app: "a/b", input: {}, session: "new", session_timeout: 0 },
      /'session_timeout'/,
    ],
    [
      "session_timeout 3601",
      { app: "a/b", input: {}, session: "new", session_timeout: 3601 },
      /'session_timeout'/,
    ],
    [
      "session_timeout 1.5",
      { app: "a/b", input: {}, session: "new", session_timeout: 1.5 },
      /'session_timeout'/,
    ],
    ["unknown infra", { app: "a/b", input: {}, infra: "moon" }, /'infra'/],
  ];
  for (const [name, params, field] of bad) {
    it(`rejects ${name} before any request`, async () => {
      using env = setup();
      await assert.rejects(
        // deno-lint-ignore no-explicit-any
        env.client.tasks.run(params as any),
        (error: Error) =>
          (error instanceof TypeError || error instanceof RangeError) && field.test(error.message),
      );
      assert.equal(env.emulator.requests.length, 0);
    });
  }

  it("rejects bad options before any request", async () => {
    using env = setup();
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/echo", input: {} }, { maxReconnects: -1 }),
      /'maxReconnects'/,
    );
    assert.equal(env.emulator.requests.length, 0);
  });
});

describe("tasks.run() aborts", () => {
  it("rejects with the caller's reason and cancels the task on the server", async () => {
    using env = setup();
    const controller = new AbortController();
    const reason = new Error("user left");
    let id = "";
    const pending = env.client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
      signal: controller.signal,
      onUpdate: (task) => {
        id = task.id;
        if (task.status === TaskStatusRunning) controller.abort(reason);
      },
    });
    await assert.rejects(pending, (error) => error === reason);
    await until(() => calls(env.emulator).includes(`POST /tasks/${id}/cancel`), "the cancel");
    const status = env.emulator.task(id)?.status ?? 0;
    assert.ok(status === 8 || status === TaskStatusCancelled, `status ${status}`);
  });

  it("leaves the task running with cancelOnAbort: false", async () => {
    using env = setup();
    const controller = new AbortController();
    let id = "";
    const pending = env.client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
      signal: controller.signal,
      cancelOnAbort: false,
      onUpdate: (task) => {
        id = task.id;
        if (task.status === TaskStatusRunning) controller.abort();
      },
    });
    await assert.rejects(pending, (error: Error) => error.name === "AbortError");
    assert.equal(calls(env.emulator).some((c) => c.endsWith("/cancel")), false);
    assert.equal(env.emulator.task(id)?.status, TaskStatusRunning);
  });

  it("rejects at once for an already-aborted signal, sending nothing", async () => {
    using env = setup();
    const reason = new Error("too late");
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/echo", input: {} }, { signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
    );
    assert.equal(env.emulator.requests.length, 0);
  });
});

describe("tasks.stream()", () => {
  it("yields snapshots until the terminal one", async () => {
    using env = setup();
    const { id } = await env.client.tasks.run({ app: "infsh/echo", input: { a: 1 } }, {
      wait: false,
    });
    const seen: Task[] = [];
    for await (const task of env.client.tasks.stream(id, FAST)) seen.push(task);
    assert.equal(seen.at(-1)?.status, TaskStatusCompleted);
    assert.deepEqual(seen.at(-1)?.output, { a: 1 });
    assert.equal(seen.filter((t) => isTerminalStatus(t.status)).length, 1);
  });

  it("releases the connection on break", async () => {
    const emulator = createEmulator({ stepMs: 2 });
    const signals: AbortSignal[] = [];
    const client = inference({
      apiKey: KEY,
      fetch: (input, init) => {
        if (init?.signal) signals.push(init.signal);
        return emulator.fetch(input, init);
      },
    });
    try {
      const { id } = await client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
        wait: false,
      });
      for await (const _task of client.tasks.stream(id)) break;
      assert.equal(signals.at(-1)?.aborted, true);
    } finally {
      emulator.close();
    }
  });
});

describe("InferenceError", () => {
  it("is the root of what run() rejects with for API trouble", async () => {
    using env = setup();
    const error = await env.client.tasks.get("nope").then(() => assert.fail(), (e) => e);
    assert.ok(error instanceof InferenceError);
    assert.equal(String(error).includes(KEY), false);
  });
});
