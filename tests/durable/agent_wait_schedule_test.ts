// agents.wait polls through the follow engine's polling follower: its polls
// are scheduled from the start of the previous poll, jittered (issue 8), not a
// fixed pollIntervalMs after each answer. No timers run for real and no global
// is replaced: the client is given a clock that records the waits asked for and
// runs them at once, and a fixed `random`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";
import { pollPause, RecordingClock } from "../_clock.ts";

const INTERVAL = 1_000;
const POLL_TAKES = 300;
const CHAT = "01j9z3m8k2c9v7b4n6q5r0c4at";

/**
 * Waits on a chat whose status says busy twice, then idle, with jitter
 * `random` and each status poll taking POLL_TAKES ms of the clock. Returns the
 * waits asked for, in order.
 */
async function pollWaits(random: number): Promise<number[]> {
  const clock = new RecordingClock();
  let polls = 0;
  const client = inference({
    apiKey: "inf_test_key_0123456789",
    clock,
    random: () => random,
    fetch: (input) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      const answer = (data: unknown) => Promise.resolve(Response.json({ success: true, data }));
      if (path === `/chats/${CHAT}/status`) {
        polls++;
        clock.time += POLL_TAKES;
        return answer({ status: polls >= 3 ? "idle" : "busy" });
      }
      if (path === `/chats/${CHAT}/messages`) return answer({ items: [], has_more: false });
      if (path === `/chats/${CHAT}`) {
        return answer({ id: CHAT, status: "idle", chat_messages: [] });
      }
      return Promise.resolve(new Response("", { status: 404 }));
    },
  });
  const chat = await client.agents.wait(CHAT, { pollIntervalMs: INTERVAL });
  assert.equal(chat.status, "idle");
  assert.equal(polls, 3);
  return clock.waits;
}

/** The wait between polls the rule asks for: the jittered period, less what the poll took. */
function between(random: number): number {
  return pollPause(INTERVAL, random, POLL_TAKES);
}

describe("agents.wait() polling", () => {
  it("schedules each status poll from the start of the previous one", async () => {
    // The first poll at once, then one period (jitter at its middle here) from
    // the start of the previous poll.
    assert.deepEqual(await pollWaits(0.5), [between(0.5), between(0.5)]);
  });

  it("times its timeoutMs on the client's clock", async () => {
    const clock = new RecordingClock();
    const client = inference({
      apiKey: "inf_test_key_0123456789",
      clock,
      fetch: (input) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
        // The status poll hangs: only the wait's deadline can end it.
        if (path === `/chats/${CHAT}/status`) return new Promise<Response>(() => {});
        if (path === `/chats/${CHAT}/messages`) {
          return Promise.resolve(Response.json({ success: true, data: { items: [] } }));
        }
        return Promise.resolve(
          Response.json({ success: true, data: { id: CHAT, status: "busy", chat_messages: [] } }),
        );
      },
    });
    const chat = await client.agents.wait(CHAT, { timeoutMs: 3_600_000 });
    assert.equal(chat.status, "busy");
    assert.deepEqual(clock.waits, [3_600_000]);
  });

  it("jitters the waits by ±20 %, so many waiters do not poll in step", async () => {
    assert.deepEqual(await pollWaits(0), [between(0), between(0)]);
    assert.deepEqual(await pollWaits(0.999), [between(0.999), between(0.999)]);
  });
});
