// When polls are scheduled (issue 8, defect 7: polling slept a fixed
// pollIntervalMs after each answer, so 1,000 polling tasks hit the server in
// bursts). No timers run for real and no global is replaced: the client is given
// a clock that records the waits asked for and runs them at once, and a fixed
// `random`; each status poll "takes" POLL_TAKES ms of that clock.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";
import { pollPause, RecordingClock } from "../_clock.ts";
import { KEY } from "./_setup.ts";

const INTERVAL = 1_000;
const POLL_TAKES = 300;

/**
 * Runs a task by polling (`stream: false`) whose status says running twice,
 * then completed, with jitter `random`. Returns the waits asked for, in order.
 */
async function pollWaits(random: number): Promise<number[]> {
  const clock = new RecordingClock();
  let polls = 0;
  const client = inference({
    apiKey: KEY,
    stream: false,
    clock,
    random: () => random,
    fetch: (input) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      const answer = (data: unknown) => Promise.resolve(Response.json({ success: true, data }));
      if (path === "/apps/run") return answer({ id: "t1", status: 7 });
      if (path === "/tasks/t1/status") {
        polls++;
        clock.time += POLL_TAKES;
        return answer({ status: polls >= 3 ? 10 : 7 });
      }
      if (path === "/tasks/t1") return answer({ id: "t1", status: polls >= 3 ? 10 : 7 });
      return Promise.resolve(new Response("", { status: 404 }));
    },
  });
  const task = await client.tasks.run({ app: "a/b", input: {} }, { pollIntervalMs: INTERVAL });
  assert.equal(task.status, 10);
  assert.equal(polls, 3);
  return clock.waits;
}

/** The wait between polls the rule asks for: the jittered period, less what the poll took. */
function between(random: number): number {
  return pollPause(INTERVAL, random, POLL_TAKES);
}

describe("polling a task", () => {
  it("schedules each poll from the start of the previous one, not after its answer", async () => {
    // The first poll at a random point of the first period, then one period
    // (jitter at its middle here) from the start of the previous poll.
    assert.deepEqual(await pollWaits(0.5), [INTERVAL * 0.5, between(0.5), between(0.5)]);
  });

  it("jitters the waits by ±20 %, so many followers do not poll in step", async () => {
    // The waits between polls, not only before the first one (which is no
    // wait at all with a jitter of 0).
    assert.deepEqual((await pollWaits(0)).slice(-2), [between(0), between(0)]);
    assert.deepEqual((await pollWaits(0.999)).slice(-2), [between(0.999), between(0.999)]);
  });
});
