/// <reference lib="deno.ns" />
// The follow engine against hostile servers, following tasks. Each test is a
// defect the engine fixes: it fails (or would hang until the fail-safe signal)
// on the followers it replaced.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  InconsistentStateError,
  inference,
  LineTooLongError,
  StreamError,
  type Task,
} from "../../mod.ts";
import type { TaskDelta } from "../../src/types.ts";
import {
  body,
  deferred,
  FAIL_SAFE_MS,
  hasDeno,
  type Hostile,
  hostile,
  json,
  taskLine,
} from "../_loopback.ts";

const KEY = "inf_test_key_0123456789";
const RUNNING = { id: "t1", status: 7 };
const DONE = { id: "t1", status: 10, output: { text: "done" } };
const HEARTBEAT = `{"type":"heartbeat"}\n`;

function client(hostile: Hostile, options: Record<string, unknown> = {}) {
  return inference({ apiKey: KEY, baseUrl: hostile.base, ...options });
}

/** Run options every test shares: fast reconnects, and a bound instead of a hang. */
function bounded(options: Record<string, unknown> = {}) {
  return { reconnectDelayMs: 0, signal: AbortSignal.timeout(FAIL_SAFE_MS), ...options };
}

describe("following a task against hostile servers", { skip: !hasDeno }, () => {
  it("ends a heartbeat-only stream by re-reading the finished task", async () => {
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/stream") {
        return body(hostile, taskLine(RUNNING), () => HEARTBEAT);
      }
      if (path === "/tasks/t1") return json(DONE);
      return json(null, 404);
    }, async (_base, hostile) => {
      const result = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ reconcileAfterMs: 50 }),
      );
      assert.equal(result.status, 10);
      assert.deepEqual(result.output, { text: "done" });
      assert.equal(hostile.count("GET /tasks/t1/stream"), 1, "the stream was never cut");
    });
  });

  it("caps an endless line with a typed error naming the cap", async () => {
    const piece = "x".repeat(64 * 1024);
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/stream") {
        return body(hostile, `${taskLine(RUNNING)}{"data":{"output":"`, () => piece, 0);
      }
      if (path === "/tasks/t1") return json(RUNNING);
      return json(null, 404);
    }, async (_base, hostile) => {
      const error = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ maxLineBytes: 1024 * 1024, autoReconnect: false }),
      ).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof LineTooLongError, String(error));
      assert.ok(error instanceof StreamError);
      assert.equal(error.maxLineBytes, 1024 * 1024);
      assert.match(error.message, /maxLineBytes \(1048576 bytes\)/);
    });
  });

  it("reconciles after an endless line and ends when the task is finished", async () => {
    const piece = "x".repeat(64 * 1024);
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/stream") {
        return body(hostile, `{"data":{"output":"`, () => piece, 0);
      }
      if (path === "/tasks/t1") return json(DONE);
      return json(null, 404);
    }, async (_base, hostile) => {
      const result = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ maxLineBytes: 512 * 1024 }),
      );
      assert.equal(result.status, 10);
      assert.equal(hostile.count("GET /tasks/t1/stream"), 1);
    });
  });

  it("falls back to polling under a storm of unchanged snapshots", async () => {
    let polled = false;
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      // Every stream sends the same snapshot and closes at once.
      if (path === "/tasks/t1/stream") return body(hostile, taskLine(RUNNING), () => undefined);
      if (path === "/tasks/t1/status") {
        polled = true;
        return json({ status: 10 });
      }
      if (path === "/tasks/t1") return json(polled ? DONE : RUNNING);
      return json(null, 404);
    }, async (_base, hostile) => {
      const result = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ maxReconnects: 3, pollIntervalMs: 1 }),
      );
      assert.equal(result.status, 10);
      assert.equal(hostile.count("GET /tasks/t1/stream"), 4, "maxReconnects + 1 streams");
      assert.ok(polled);
    });
  });

  it("keeps a big update trickling in slower than idleTimeoutMs", async () => {
    const big = "y".repeat(3 * 1024 * 1024);
    const line = new TextEncoder().encode(taskLine({ ...DONE, output: { text: big } }));
    const size = 64 * 1024;
    let sent = 0;
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/stream") {
        return body(hostile, taskLine(RUNNING), () => {
          if (sent >= line.length) return undefined;
          const chunk = line.subarray(sent, sent + size);
          sent += chunk.length;
          return chunk;
        }, 5);
      }
      // Only the stream has the result: re-reads say "running".
      if (path === "/tasks/t1") return json(RUNNING);
      return json(null, 404);
    }, async (_base, hostile) => {
      const result = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ idleTimeoutMs: 100, fallbackToPolling: false }),
      );
      assert.equal(result.status, 10);
      assert.equal((result.output as { text: string }).text.length, big.length);
      assert.equal(hostile.count("GET /tasks/t1/stream"), 1, "never cut");
    });
  });

  it("keeps the deltas of two producers that number their deltas alike", async () => {
    const lines = [
      taskLine(RUNNING),
      ...[["a", 1, "A1"], ["b", 1, "B1"], ["a", 2, "A2"], ["b", 2, "B2"], ["a", 2, "A2"]].map((
        [producer, seq, text],
      ) =>
        `${
          JSON.stringify({
            event: "delta",
            data: { delta: { response: text }, seq, "resource_id": producer },
          })
        }\n`
      ),
      taskLine(DONE),
    ];
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/stream") return body(hostile, lines.join(""), () => undefined);
      return json(null, 404);
    }, async (_base, hostile) => {
      const deltas: TaskDelta[] = [];
      const result = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ onDelta: (delta: TaskDelta) => deltas.push(delta) }),
      );
      assert.equal(result.status, 10);
      assert.deepEqual(deltas.map((d) => d.delta.response), ["A1", "B1", "A2", "B2"]);
    });
  });

  it("decodes a stream answered as Server-Sent Events", async () => {
    const events = [
      `: heartbeat\n\n`,
      `data: ${JSON.stringify({ data: RUNNING, fields: ["id", "status"] })}\n\n`,
      `event: delta\ndata: ${JSON.stringify({ delta: { response: "Hel" }, seq: 1 })}\n\n`,
      `event: delta\r\ndata: ${JSON.stringify({ delta: { response: "lo" }, seq: 2 })}\r\n\r\n`,
      `data: ${JSON.stringify(DONE)}\n\n`,
    ];
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/stream") {
        return body(hostile, events.join(""), () => undefined, 5, "text/event-stream");
      }
      if (path === "/tasks/t1") return json(RUNNING);
      return json(null, 404);
    }, async (_base, hostile) => {
      let text = "";
      const result = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ onDelta: (delta: TaskDelta) => text += delta.delta.response ?? "" }),
      );
      assert.equal(result.status, 10);
      assert.equal(text, "Hello");
      assert.equal(hostile.count("GET /tasks/t1/stream"), 1);
    });
  });

  it("counts an HTML answer as a failed stream", async () => {
    await hostile((_request, path, hostile) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/stream") {
        return body(hostile, "", () => undefined, 5, "text/html; charset=utf-8");
      }
      if (path === "/tasks/t1") return json(RUNNING);
      return json(null, 404);
    }, async (_base, hostile) => {
      const error = await client(hostile).tasks.run(
        { app: "a/b", input: {} },
        bounded({ autoReconnect: false }),
      ).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof StreamError, String(error));
      assert.match(error.message, /text\/html/);
    });
  });

  it("rejects an abort at once, while the cancel is still on its way", async () => {
    const order: string[] = [];
    const release = deferred();
    await hostile(async (_request, path, hostile) => {
      if (path === "/apps/run") return json({ id: "t1", status: 1 });
      if (path === "/tasks/t1/stream") {
        return body(hostile, taskLine(RUNNING), () => HEARTBEAT, 10);
      }
      if (path === "/tasks/t1") return json(RUNNING);
      if (path === "/tasks/t1/cancel") {
        order.push("cancel arrived");
        // Held open until the run settled (or the fail-safe): an abort that
        // waited for the cancel would settle only after this.
        await Promise.race([release.promise, new Promise((r) => setTimeout(r, FAIL_SAFE_MS))]);
        order.push("cancel answered");
        return json({});
      }
      return json(null, 404);
    }, async (_base, hostile) => {
      const controller = new AbortController();
      const reason = new Error("user left");
      const outcome = await client(hostile).tasks.run({ app: "a/b", input: {} }, {
        signal: controller.signal,
        onUpdate: (task: Task) => {
          if (task.status === 7) controller.abort(reason);
        },
      }).then(() => "resolved", (error: unknown) => error);
      order.push("rejected");
      assert.equal(outcome, reason);
      release.resolve();
      for (let i = 0; i < 400 && !order.includes("cancel answered"); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(order.indexOf("rejected") < order.indexOf("cancel answered"), order.join(", "));
      assert.ok(order.includes("cancel arrived"), order.join(", "));
    });
  });

  it("cancels a task whose create was in flight when the caller aborted", async () => {
    const order: string[] = [];
    const posted = deferred();
    const release = deferred();
    await hostile(async (_request, path) => {
      if (path === "/apps/run") {
        posted.resolve();
        await release.promise;
        return json({ id: "t1", status: 1 });
      }
      if (path === "/tasks/t1/cancel") {
        order.push("cancel arrived");
        return json({});
      }
      return json(null, 404);
    }, async (_base, hostile) => {
      const controller = new AbortController();
      const reason = new Error("user left");
      const running = client(hostile).tasks.run({ app: "a/b", input: {} }, {
        signal: controller.signal,
      }).then(() => "resolved", (error: unknown) => error);
      await posted.promise;
      controller.abort(reason);
      assert.equal(await running, reason);
      order.push("rejected");
      release.resolve();
      for (let i = 0; i < 400 && !order.includes("cancel arrived"); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.deepEqual(order, ["rejected", "cancel arrived"]);
    });
  });

  it("ends polling that contradicts itself after a bounded number of reads", async () => {
    await hostile((_request, path) => {
      if (path === "/apps/run") return json(RUNNING);
      if (path === "/tasks/t1/status") return json({ status: 10 });
      if (path === "/tasks/t1") return json(RUNNING);
      return json(null, 404);
    }, async (_base, hostile) => {
      const error = await client(hostile, { stream: false }).tasks.run(
        { app: "a/b", input: {} },
        bounded({ pollIntervalMs: 1 }),
      ).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof InconsistentStateError, String(error));
      assert.equal(error.reportedStatus, 10);
      assert.equal(error.readStatus, 7);
      assert.equal(hostile.count("GET /tasks/t1"), 3);
    });
  });
});
