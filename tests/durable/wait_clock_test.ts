// Both bounded waits (tasks.wait through waitFor, agents.wait) time their
// deadline on the follow engine's clock (FollowSettings.clock), not on the
// global setTimeout: a clock given to the engine bounds the wait too. No timer
// runs for real here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { followWithin } from "../../src/streaming/within.ts";
import { waitFor } from "../../src/tasks/handle.ts";
import type { Task } from "../../src/types.ts";
import { ManualClock } from "../_clock.ts";

/** A follow that never ends on its own; it rejects with its signal's reason. */
function endless<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

describe("bounded waits on the engine's clock", () => {
  it("followWithin returns the latest state when the clock passes the deadline", async () => {
    const clock = new ManualClock();
    const waiting = followWithin(
      60_000,
      undefined,
      clock,
      endless<string>,
      () => Promise.resolve("latest"),
    );
    assert.equal(clock.timers.size, 1);
    clock.advance(60_000);
    assert.equal(await waiting, "latest");
    assert.equal(clock.timers.size, 0);
  });

  it("tasks' waitFor times its deadline on the clock it is given", async () => {
    const clock = new ManualClock();
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
    clock.advance(25_000);
    assert.equal(await waiting, running);
  });

  it("clears the deadline when the follow ends first, and rejects with an abort's reason", async () => {
    const clock = new ManualClock();
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
    assert.equal(clock.timers.size, 0);
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
    assert.equal(clock.timers.size, 0);
  });
});
