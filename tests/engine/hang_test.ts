// "Nothing hangs": a stream body whose reads never settle and that ignores its
// cancel (a polyfill, a custom fetch's body) must still be cut by the idle
// watchdog, and by the caller's abort.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TimeoutError } from "../../mod.ts";
import { follow, type FollowAdapter, NOTHING } from "../../src/streaming/engine.ts";
import { followSettings } from "../../src/streaming/options.ts";
import { ManualClock } from "../_clock.ts";
import { settled } from "../_helpers.ts";

const DEFAULTS = { stream: true, pollIntervalMs: 0, timeoutMs: 1_000, maxRetries: 0 };

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A response whose body is no standard stream: its reader's `read()` never
 * settles and its `cancel()` does nothing (nor settles).
 */
function deafBody(): Response {
  const never = (): Promise<never> => new Promise<never>(() => {});
  const reader = { read: never, cancel: never, releaseLock() {} };
  const body = { getReader: () => reader, cancel: never } as unknown as ReadableStream<Uint8Array>;
  return {
    body,
    headers: new Headers({ "content-type": "application/x-ndjson" }),
  } as unknown as Response;
}

function adapter(): FollowAdapter {
  return {
    action: "follow thing",
    isFinal: () => false,
    connect: () => Promise.resolve(deafBody()),
    handle: () => NOTHING,
    reconcile: () => Promise.resolve(NOTHING),
    poll: () => Promise.resolve(NOTHING),
  };
}

describe("a stream body that never settles and ignores cancel", () => {
  it("is cut by the idle watchdog with a TimeoutError (phase idle)", async () => {
    const clock = new ManualClock();
    const settings = followSettings(
      { idleTimeoutMs: 100, autoReconnect: false },
      DEFAULTS,
      Math.random,
      clock,
    );
    const done = settled(follow(adapter(), settings));
    await settle();
    assert.equal(clock.timers.size, 1, "the watchdog is armed");
    clock.time += 100;
    clock.fire();
    const { error } = await done;
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, "idle");
  });

  it("rejects with the caller's reason when it aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const settings = followSettings(
      { idleTimeoutMs: 100, signal: controller.signal },
      DEFAULTS,
      Math.random,
      new ManualClock(),
    );
    const done = settled(follow(adapter(), settings));
    await settle();
    controller.abort(reason);
    assert.equal((await done).error, reason);
  });
});
