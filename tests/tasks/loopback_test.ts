/// <reference lib="deno.ns" />
// The client over a real socket, against the emulator served by Deno (the in-process
// tests cover the logic; this covers real fetch, real bodies and real disconnects).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasDeno, served } from "../_loopback.ts";
import {
  inference,
  isTerminalStatus,
  type Task,
  TaskStatusCancelled,
  TaskStatusCompleted,
  TaskStatusRunning,
} from "../../mod.ts";
import { KEY, until } from "./_setup.ts";

describe("tasks over a loopback socket", { skip: !hasDeno }, () => {
  it("streams updates and deltas, recovering from a dropped connection", async () => {
    await served({ stepMs: 5, heartbeatMs: 50 }, async (emulator, base) => {
      const client = inference({ apiKey: KEY, baseUrl: base });
      emulator.faults.dropStreamAfter(3, { mode: "error" });
      const updates: Task[] = [];
      let text = "";
      const result = await client.tasks.run(
        { app: "infsh/text-stream", input: { prompt: "über 🌍 loopback" } },
        {
          reconnectDelayMs: 0,
          onUpdate: (task) => updates.push(task),
          onDelta: (delta) => text += delta.delta.response ?? "",
        },
      );
      assert.equal(result.status, TaskStatusCompleted);
      assert.equal(updates.filter((t) => isTerminalStatus(t.status)).length, 1);
      assert.ok((result.output as { response: string }).response.endsWith("über 🌍 loopback"));
      assert.ok(text.length > 0);
      const streams = emulator.requests.filter((r) => r.path.endsWith("/stream"));
      assert.ok(streams.length >= 2, `${streams.length} stream requests`);
    });
  });

  it("detects a stalled stream with the idle watchdog", async () => {
    await served({ stepMs: 5, heartbeatMs: 50 }, async (emulator, base) => {
      const client = inference({ apiKey: KEY, baseUrl: base });
      emulator.faults.stallStreamAfter(1);
      const result = await client.tasks.run(
        { app: "infsh/sleep", input: { seconds: 0.3 } },
        { idleTimeoutMs: 100, reconnectDelayMs: 0 },
      );
      assert.equal(result.status, TaskStatusCompleted);
    });
  });

  it("cancels the task on the server when the caller aborts", async () => {
    await served({ stepMs: 5, heartbeatMs: 50 }, async (emulator, base) => {
      const client = inference({ apiKey: KEY, baseUrl: base });
      const controller = new AbortController();
      let id = "";
      await assert.rejects(
        client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
          signal: controller.signal,
          onUpdate: (task) => {
            id = task.id;
            if (task.status === TaskStatusRunning) controller.abort(new Error("stop"));
          },
        }),
        /stop/,
      );
      // The cancel is sent in the background: the run rejected before it.
      await until(() => emulator.task(id)?.status === TaskStatusCancelled, "the cancel");
    });
  });
});
