// When polls are scheduled (issue 8, defect 7: polling slept a fixed
// pollIntervalMs after each answer, so 1,000 polling tasks hit the server in
// bursts). No timers run for real: the test records the waits the SDK asks for
// and moves Date.now itself, by the time each poll "takes".
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";
import { KEY } from "./_setup.ts";

const INTERVAL = 1_000;
const POLL_TAKES = 300;
/** The request deadline: its timers are left to run (they never fire here). */
const DEADLINE = 77_777;

/**
 * Runs a task by polling (`stream: false`) whose status says running twice,
 * then completed, with `Math.random` returning `random` and each status poll
 * taking POLL_TAKES ms of Date.now. Returns the waits asked for, in order.
 */
async function pollWaits(random: number): Promise<number[]> {
  const waits: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  const realNow = Date.now;
  const realRandom = Math.random;
  let now = realNow();
  let polls = 0;
  // deno-lint-ignore no-explicit-any
  const fakeSetTimeout = ((callback: () => void, ms?: number, ...rest: any[]) => {
    if (ms === DEADLINE) return realSetTimeout(callback, ms, ...rest);
    if (ms !== undefined && ms > 0) waits.push(Math.round(ms));
    return realSetTimeout(callback, 0, ...rest);
  }) as typeof setTimeout;
  globalThis.setTimeout = fakeSetTimeout;
  Date.now = () => now;
  Math.random = () => random;
  try {
    const client = inference({
      apiKey: KEY,
      stream: false,
      timeoutMs: DEADLINE,
      fetch: (input) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
        const answer = (data: unknown) => Promise.resolve(Response.json({ success: true, data }));
        if (path === "/apps/run") return answer({ id: "t1", status: 7 });
        if (path === "/tasks/t1/status") {
          polls++;
          now += POLL_TAKES;
          return answer({ status: polls >= 3 ? 10 : 7 });
        }
        if (path === "/tasks/t1") return answer({ id: "t1", status: polls >= 3 ? 10 : 7 });
        return Promise.resolve(new Response("", { status: 404 }));
      },
    });
    const task = await client.tasks.run({ app: "a/b", input: {} }, { pollIntervalMs: INTERVAL });
    assert.equal(task.status, 10);
    assert.equal(polls, 3);
  } finally {
    globalThis.setTimeout = realSetTimeout;
    Date.now = realNow;
    Math.random = realRandom;
  }
  return waits;
}

describe("polling a task", () => {
  it("schedules each poll from the start of the previous one, not after its answer", async () => {
    const waits = await pollWaits(0.5);
    // Between polls: at most the interval (plus its jitter) minus what the poll took.
    const between = waits.slice(-2);
    assert.equal(between.length, 2, `waits: ${waits.join(", ")}`);
    for (const wait of between) {
      assert.ok(wait <= INTERVAL * 1.2 - POLL_TAKES, `waits: ${waits.join(", ")}`);
    }
  });

  it("jitters the waits, so many followers do not poll in step", async () => {
    // The waits between polls, not only before the first one.
    const low = (await pollWaits(0)).slice(-2);
    const high = (await pollWaits(0.999)).slice(-2);
    assert.equal(low.length, 2, `waits: ${low.join(", ")}`);
    assert.ok(low.every((wait, i) => wait < high[i]!), `low ${low.join(", ")}, high ${high}`);
  });
});
