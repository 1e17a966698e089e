// The follow engine with a fake adapter and a fake clock: the rules, without a server.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TimeoutError } from "../../mod.ts";
import {
  FINAL,
  follow,
  type FollowAdapter,
  NOTHING,
  type Outcome,
  PROGRESS,
} from "../../src/streaming/engine.ts";
import { followSettings } from "../../src/streaming/options.ts";
import { ManualClock } from "../_clock.ts";
import { pull } from "../../src/streaming/pull.ts";

const DEFAULTS = { stream: true, pollIntervalMs: 0, timeoutMs: 1_000, maxRetries: 0 };

/** A stream body whose chunks the test pushes (`push`), or that it closes. */
function controlledBody(): { response: Response; push(text: string): void; close(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    response: new Response(body, { headers: { "content-type": "application/x-ndjson" } }),
    push: (text) => controller.enqueue(new TextEncoder().encode(text)),
    close: () => controller.close(),
  };
}

/** An adapter whose every part is a counter plus a function the test gives. */
function adapter(parts: Partial<FollowAdapter> & { final?: () => boolean }) {
  const counts = { connect: 0, handle: 0, reconcile: 0, poll: 0 };
  const fake: FollowAdapter = {
    action: "follow thing",
    isFinal: () => parts.final?.() ?? false,
    connect: (signal) => {
      counts.connect++;
      return parts.connect!(signal);
    },
    handle: (value) => {
      counts.handle++;
      return parts.handle?.(value) ?? NOTHING;
    },
    reconcile: (why, signal) => {
      counts.reconcile++;
      return parts.reconcile?.(why, signal) ?? Promise.resolve(NOTHING);
    },
    poll: (signal) => {
      counts.poll++;
      return parts.poll?.(signal) ?? Promise.resolve(NOTHING);
    },
  };
  return { fake, counts };
}

/** Lets the engine run until it waits on the test. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe("the follow engine", () => {
  it("re-reads after reconcileAfterMs of heartbeats, by the clock, and ends when final", async () => {
    const clock = new ManualClock();
    const body = controlledBody();
    const { fake, counts } = adapter({
      connect: () => Promise.resolve(body.response),
      reconcile: (why) => Promise.resolve(why === "stale" ? FINAL : NOTHING),
    });
    const settings = followSettings({ reconcileAfterMs: 35 }, DEFAULTS, Math.random, clock);
    const done = follow(fake, settings);
    for (let beat = 0; beat < 3; beat++) {
      await settle();
      clock.time += 10;
      body.push(`{"type":"heartbeat"}\n`);
    }
    await settle();
    assert.equal(counts.reconcile, 0, "30 ms without change: not yet");
    clock.time += 10;
    body.push(`{"type":"heartbeat"}\n`);
    await done;
    assert.equal(counts.reconcile, 1);
    assert.equal(counts.connect, 1);
  });

  it("cuts a stream silent for idleTimeoutMs, and keeps one that sent bytes", async () => {
    const clock = new ManualClock();
    const body = controlledBody();
    const { fake } = adapter({ connect: () => Promise.resolve(body.response) });
    const settings = followSettings(
      { idleTimeoutMs: 100, autoReconnect: false },
      DEFAULTS,
      Math.random,
      clock,
    );
    const done = follow(fake, settings).then(() => undefined, (error: unknown) => error);
    await settle();
    clock.time += 60;
    body.push(`{"type":"heartbeat"}\n`); // bytes at 60 ms
    await settle();
    clock.time += 40;
    clock.fire(); // at 100 ms: silent for 40 ms only, re-armed
    await settle();
    assert.equal(clock.timers.size, 1, "the watchdog re-armed");
    clock.time += 60;
    clock.fire(); // at 160 ms: silent for 100 ms
    const error = await done;
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, "idle");
  });

  it("counts a storm of unchanged snapshots as failures, then polls", async () => {
    const { fake, counts } = adapter({
      connect: () => Promise.resolve(new Response(`{"status":7}\n`)),
      handle: () => NOTHING,
      poll: () => Promise.resolve(FINAL),
    });
    const settings = followSettings({ maxReconnects: 2, reconnectDelayMs: 0 }, DEFAULTS);
    await follow(fake, settings);
    assert.equal(counts.connect, 3);
    assert.equal(counts.poll, 1);
  });

  it("resets the failure count on a change, so a working stream never polls", async () => {
    let opened = 0;
    const { fake, counts } = adapter({
      connect: () => Promise.resolve(new Response(`{"n":${++opened}}\n`)),
      handle: (value) => (value as { n: number }).n === 6 ? FINAL : PROGRESS as Outcome,
    });
    const settings = followSettings({ maxReconnects: 1, reconnectDelayMs: 0 }, DEFAULTS);
    await follow(fake, settings);
    assert.equal(counts.connect, 6);
    assert.equal(counts.poll, 0);
  });

  it("waits out its reconnect backoff on the settings' clock, not the runtime's", async () => {
    const clock = new ManualClock();
    const { fake, counts } = adapter({
      connect: () => Promise.resolve(new Response(`{"n":${counts.connect}}\n`)),
      handle: (value) => (value as { n: number }).n === 2 ? FINAL : NOTHING,
    });
    const settings = followSettings(
      { maxReconnects: 5, reconnectDelayMs: 60_000 },
      DEFAULTS,
      () => 0,
      clock,
    );
    const done = follow(fake, settings);
    await settle();
    // The stream ended early: the connection's watchdog is cleared, and the
    // backoff is the one timer left, on the clock; firing it reconnects.
    assert.equal(counts.connect, 1);
    assert.equal(clock.timers.size, 1);
    clock.fire();
    await done;
    assert.equal(counts.connect, 2);
  });

  it("rejects at once with the signal's reason, even while the adapter hangs", async () => {
    const controller = new AbortController();
    const { fake } = adapter({ connect: () => new Promise<Response>(() => {}) });
    const settings = followSettings({ signal: controller.signal }, DEFAULTS);
    const done = follow(fake, settings).then(() => undefined, (error: unknown) => error);
    const reason = new Error("stop");
    controller.abort(reason);
    assert.equal(await done, reason);
  });
});

describe("pull()", () => {
  it("yields what is emitted, one at a time, and stops the producer on break", async () => {
    let produced = 0;
    let stopped: unknown;
    const events = pull<number>(async (emit, stop) => {
      try {
        while (true) await emit(++produced);
      } catch (error) {
        stopped = stop.aborted ? "stopped" : error;
      }
    });
    const seen: number[] = [];
    for await (const n of events) {
      seen.push(n);
      if (n === 3) break;
    }
    await settle();
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(produced, 3, "nothing produced ahead of the consumer");
    assert.equal(stopped, "stopped");
  });

  it("throws what the producer throws", async () => {
    const events = pull<number>(async (emit) => {
      await emit(1);
      throw new Error("broke");
    });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const n of events) seen.push(n);
    }, /broke/);
    assert.deepEqual(seen, [1]);
  });
});
