import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  inference,
  isTerminalStatus,
  type Task,
  type TaskHandle,
  taskHandle,
  TaskStatusCompleted,
} from "../../mod.ts";
import type { TaskDelta } from "../../src/types.ts";
import { RecordingClock } from "../_clock.ts";
import { calls, setup, until } from "./_setup.ts";

const FAST = { reconnectDelayMs: 0 } as const;

describe("task handles", () => {
  it("round-trip through JSON and across two clients: no delta twice, the terminal once", async () => {
    using env = setup({}, true);
    const first = env.client();
    const second = env.client();
    const task = await first.tasks.run({ app: "test/stepped", input: {} }, { wait: false });
    let saved = JSON.stringify(taskHandle(task));

    // Process A follows, saving the handle as it goes, and dies after two deltas.
    const a = { deltas: [] as TaskDelta[], updates: [] as Task[] };
    const died = new AbortController();
    const twoDeltas = until(() => a.deltas.length === 2);
    const following = first.tasks.follow(JSON.parse(saved), {
      ...FAST,
      signal: died.signal,
      onDelta: (delta) => {
        a.deltas.push(delta);
        twoDeltas.tick();
      },
      onUpdate: (t) => a.updates.push(t),
      onHandle: (handle) => (saved = JSON.stringify(handle)),
    });
    env.app.delta("one ");
    env.app.delta("two ");
    await twoDeltas.promise;
    died.abort(new Error("isolate evicted"));
    await assert.rejects(following, /isolate evicted/);
    assert.deepEqual(JSON.parse(saved).cursors, { "": 2 });

    // While nobody follows, the task goes on.
    env.app.delta("three ");

    // Process B picks up from the stored JSON; the server replays every delta.
    const b = { deltas: [] as TaskDelta[], updates: [] as Task[] };
    const threeSeen = until(() => b.deltas.length >= 1);
    const final = second.tasks.follow(JSON.parse(saved), {
      ...FAST,
      onDelta: (delta) => {
        b.deltas.push(delta);
        threeSeen.tick();
      },
      onUpdate: (t) => b.updates.push(t),
      onHandle: (handle) => (saved = JSON.stringify(handle)),
    });
    await threeSeen.promise;
    env.app.delta("four ");
    env.app.finish({ done: true });
    const result = await final;

    const text = (deltas: TaskDelta[]) => deltas.map((d) => d.delta.response).join("");
    assert.equal(text(a.deltas) + text(b.deltas), "one two three four ");
    assert.deepEqual(b.deltas.map((d) => d.seq), [3, 4]);
    assert.equal(result.status, TaskStatusCompleted);
    assert.deepEqual(result.output, { done: true });
    const terminal = (updates: Task[]) => updates.filter((t) => isTerminalStatus(t.status)).length;
    assert.equal(terminal(a.updates) + terminal(b.updates), 1);
    const handle: TaskHandle = JSON.parse(saved);
    assert.equal(handle.status, TaskStatusCompleted);
    assert.deepEqual(handle.cursors, { "": 4 });
  });

  it("saved after the terminal update, it never reports that update again", async () => {
    using env = setup();
    const task = await env.client().tasks.run({ app: "test/stepped", input: {} }, {
      wait: false,
    });
    let saved = "";
    const finished = env.client().tasks.follow(taskHandle(task), {
      onHandle: (handle) => (saved = JSON.stringify(handle)),
    });
    env.app.delta("hi");
    env.app.finish("out");
    await finished;

    const before = env.emulator.requests.length;
    const reported: unknown[] = [];
    const other = env.client();
    const result = await other.tasks.follow(JSON.parse(saved), {
      onUpdate: (t) => reported.push(t),
      onDelta: (d) => reported.push(d),
      onHandle: (h) => reported.push(h),
    });
    assert.deepEqual(reported, []);
    assert.equal(result.status, TaskStatusCompleted);
    assert.equal(result.output, "out");
    assert.deepEqual(calls(env.emulator).slice(before), [`GET /tasks/${task.id}`]);
  });

  it("tasks.stream(handle) resumes too, and yields nothing from a handle saved after the end", async () => {
    using env = setup({}, true);
    const task = await env.client().tasks.run({ app: "test/stepped", input: {} }, {
      wait: false,
    });
    let saved = "";
    const oneDelta = until(() => saved !== "" && JSON.parse(saved).cursors[""] === 1);
    const died = new AbortController();
    const first = env.client().tasks.follow(taskHandle(task), {
      signal: died.signal,
      onHandle: (handle) => {
        saved = JSON.stringify(handle);
        oneDelta.tick();
      },
    });
    env.app.delta("a");
    await oneDelta.promise;
    died.abort(new Error("gone"));
    await assert.rejects(first, /gone/);
    env.app.delta("b");
    env.app.finish("done");

    const texts: string[] = [];
    const statuses: number[] = [];
    for await (
      const t of env.client().tasks.stream(JSON.parse(saved), {
        onDelta: (d) => texts.push(String(d.delta.response)),
        onHandle: (handle) => (saved = JSON.stringify(handle)),
      })
    ) {
      statuses.push(t.status);
    }
    assert.deepEqual(texts, ["b"]);
    assert.equal(statuses.filter((s) => isTerminalStatus(s)).length, 1);
    assert.equal(JSON.parse(saved).status, TaskStatusCompleted);

    const again: unknown[] = [];
    for await (const t of env.client().tasks.stream(JSON.parse(saved))) again.push(t);
    assert.deepEqual(again, []);
  });

  it("keeps one cursor per producer (resource_id)", async () => {
    // A scripted server: deltas of two producers, whose seqs overlap.
    const lines = [
      { data: { id: "t1", status: 7 }, fields: ["id", "status"] },
      { event: "delta", data: { delta: { response: "a1" }, seq: 1, resource_id: "a" } },
      { event: "delta", data: { delta: { response: "b1" }, seq: 1, resource_id: "b" } },
      { event: "delta", data: { delta: { response: "a2" }, seq: 2, resource_id: "a" } },
      { event: "delta", data: { delta: { response: "b2" }, seq: 2, resource_id: "b" } },
      { data: { id: "t1", status: 10, output: "x" }, fields: ["status", "output"] },
    ];
    const fetch = (input: string | URL | Request) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.pathname === "/tasks/t1/stream") {
        const body = lines.map((line) => JSON.stringify(line) + "\n").join("");
        return Promise.resolve(
          new Response(body, { headers: { "content-type": "application/x-ndjson" } }),
        );
      }
      return Promise.resolve(Response.json({ data: { id: "t1", status: 10, output: "x" } }));
    };
    const client = inference({ apiKey: "k", fetch, baseUrl: "https://api.example" });
    const seen: string[] = [];
    let last: TaskHandle | undefined;
    await client.tasks.follow({ id: "t1", status: 7, cursors: { a: 1 } }, {
      onDelta: (d) => seen.push(String(d.delta.response)),
      onHandle: (h) => (last = h),
    });
    assert.deepEqual(seen, ["b1", "a2", "b2"]);
    assert.deepEqual(last?.cursors, { a: 2, b: 2 });
  });

  it("taskHandle keeps the session and the cursors, and readHandle checks stored JSON", async () => {
    const handle = taskHandle(
      { id: "t1", status: 7, session_id: "sess_1" },
      { id: "t1", status: 2, cursors: { "": 5 } },
    );
    assert.deepEqual(handle, { id: "t1", session: "sess_1", status: 7, cursors: { "": 5 } });
    assert.deepEqual(JSON.parse(JSON.stringify(handle)), handle);
    assert.throws(() => taskHandle({ id: "t2", status: 1 }, handle), /'previous'/);
    using env = setup();
    const client = env.client();
    for (const bad of [null, {}, { id: "" }, { id: "t1", cursors: { "": "3" } }, [1]]) {
      await assert.rejects(
        client.tasks.follow(bad as unknown as TaskHandle),
        (error: unknown) => error instanceof TypeError && /'handle'/.test(error.message),
        JSON.stringify(bad),
      );
    }
    assert.deepEqual(env.emulator.requests, []);
  });
});

describe("tasks.wait()", () => {
  it("returns the latest snapshot when the time is up, without cancelling; the final task later", async () => {
    using env = setup();
    // A clock that runs every wait at once: the wait's time is up without waiting.
    const client = env.client({ clock: new RecordingClock() });
    const task = await client.tasks.run({ app: "test/stepped", input: {} }, { wait: false });
    const snapshot = await client.tasks.wait(task.id, { timeoutMs: 30 });
    assert.equal(snapshot.id, task.id);
    assert.ok(!isTerminalStatus(snapshot.status), `status ${snapshot.status}`);
    assert.ok(!calls(env.emulator).some((c) => c.endsWith("/cancel")));
    assert.ok(!isTerminalStatus(env.emulator.task(task.id)!.status));

    // Another step of the workflow, in another process, from the stored handle.
    const handle = JSON.parse(JSON.stringify(taskHandle(snapshot)));
    const later = env.client().tasks.wait(handle, { timeoutMs: 60_000 });
    env.app.finish({ ok: 1 });
    const final = await later;
    assert.equal(final.status, TaskStatusCompleted);
    assert.deepEqual(final.output, { ok: 1 });
  });

  it("answers a terminal handle with one read", async () => {
    using env = setup();
    const client = env.client();
    const task = await client.tasks.run({ app: "test/stepped", input: {} }, { wait: false });
    env.app.finish(7);
    const done = await client.tasks.wait(task.id);
    assert.equal(done.output, 7);
    const before = env.emulator.requests.length;
    const again = await client.tasks.wait(taskHandle(done), { timeoutMs: 0 });
    assert.equal(again.output, 7);
    assert.deepEqual(calls(env.emulator).slice(before), [`GET /tasks/${task.id}`]);
  });

  it("works by polling too (stream: false)", async () => {
    using env = setup();
    const client = env.client();
    const task = await client.tasks.run({ app: "test/stepped", input: {} }, { wait: false });
    const snapshot = await env.client({ clock: new RecordingClock() }).tasks.wait(task.id, {
      timeoutMs: 30,
      stream: false,
      pollIntervalMs: 5,
    });
    assert.ok(!isTerminalStatus(snapshot.status));
    env.app.finish("polled");
    const final = await client.tasks.wait(task.id, { stream: false, pollIntervalMs: 5 });
    assert.equal(final.output, "polled");
  });

  it("rejects with the caller's abort reason, not a snapshot", async () => {
    using env = setup();
    const client = env.client();
    const task = await client.tasks.run({ app: "test/stepped", input: {} }, { wait: false });
    const controller = new AbortController();
    const waiting = client.tasks.wait(task.id, { timeoutMs: 60_000, signal: controller.signal });
    controller.abort(new Error("caller gave up"));
    await assert.rejects(waiting, /caller gave up/);
  });

  it("refuses a bad timeoutMs before any request", async () => {
    using env = setup();
    for (const bad of [-1, Number.NaN, Infinity, "5"]) {
      await assert.rejects(
        env.client().tasks.wait("t1", { timeoutMs: bad as number }),
        RangeError,
      );
    }
    assert.deepEqual(env.emulator.requests, []);
  });
});
