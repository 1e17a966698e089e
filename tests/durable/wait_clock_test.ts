// Both bounded waits (tasks.wait through waitFor, agents.wait) time their
// deadline on the follow engine's clock (FollowSettings.clock), not on the
// global setTimeout: a clock given to the engine bounds the wait too. No timer
// runs for real here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FollowClock } from "../../src/streaming/options.ts";
import { followWithin } from "../../src/streaming/within.ts";
import { waitFor } from "../../src/tasks/handle.ts";
import type { Task } from "../../src/types.ts";

/** A clock whose timers fire only when the test says so. */
function manualClock() {
  const timers = new Map<number, { at: number; callback: () => void }>();
  let now = 0;
  let next = 0;
  const clock: FollowClock = {
    now: () => now,
    setTimeout(callback, ms) {
      timers.set(++next, { at: now + ms, callback });
      return next;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  const advance = (ms: number): void => {
    now += ms;
    for (const [id, timer] of [...timers]) {
      if (timer.at <= now) {
        timers.delete(id);
        timer.callback();
      }
    }
  };
  return { clock, advance, pending: () => timers.size };
}

/** A follow that never ends on its own; it rejects with its signal's reason. */
function endless<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

describe("bounded waits on the engine's clock", () => {
  it("followWithin returns the latest state when the clock passes the deadline", async () => {
    const { clock, advance, pending } = manualClock();
    const waiting = followWithin(
      60_000,
      undefined,
      clock,
      endless<string>,
      () => Promise.resolve("latest"),
    );
    assert.equal(pending(), 1);
    advance(60_000);
    assert.equal(await waiting, "latest");
    assert.equal(pending(), 0);
  });

  it("tasks' waitFor times its deadline on the clock it is given", async () => {
    const { clock, advance } = manualClock();
    const running: Task = { id: "t", status: 7 };
    const waiting = waitFor(
      { id: "t", status: 7, cursors: {} },
      25_000,
      undefined,
      clock,
      (signal, seen) => {
        seen(running);
        return endless<Task>(signal);
      },
      () => Promise.reject(new Error("not read: a snapshot was seen")),
    );
    advance(25_000);
    assert.equal(await waiting, running);
  });

  it("clears the deadline when the follow ends first, and rejects with an abort's reason", async () => {
    const { clock, pending } = manualClock();
    assert.equal(
      await followWithin(
        1_000,
        undefined,
        clock,
        () => Promise.resolve("done"),
        () => Promise.resolve("latest"),
      ),
      "done",
    );
    assert.equal(pending(), 0);
    const controller = new AbortController();
    const waiting = followWithin(
      1_000,
      controller.signal,
      clock,
      endless<string>,
      () => Promise.resolve("latest"),
    );
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    assert.equal(pending(), 0);
  });
});
