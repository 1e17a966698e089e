// agents.wait polls through the follow engine's polling follower: its polls
// are scheduled from the start of the previous poll, jittered (issue 8), not a
// fixed pollIntervalMs after each answer. No timers run for real: the test
// records the waits the SDK asks for and moves Date.now itself.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";

const INTERVAL = 1_000;
const POLL_TAKES = 300;
/** The request deadline: its timers are left to run (they never fire here). */
const DEADLINE = 77_777;
const CHAT = "01j9z3m8k2c9v7b4n6q5r0c4at";

/**
 * Waits on a chat whose status says busy twice, then idle, with `Math.random`
 * returning `random` and each status poll taking POLL_TAKES ms of Date.now.
 * Returns the waits asked for between polls, in order.
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
      apiKey: "inf_test_key_0123456789",
      timeoutMs: DEADLINE,
      fetch: (input) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
        const answer = (data: unknown) => Promise.resolve(Response.json({ success: true, data }));
        if (path === `/chats/${CHAT}/status`) {
          polls++;
          now += POLL_TAKES;
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
  } finally {
    globalThis.setTimeout = realSetTimeout;
    Date.now = realNow;
    Math.random = realRandom;
  }
  return waits;
}

describe("agents.wait() polling", () => {
  it("schedules each status poll from the start of the previous one", async () => {
    const waits = await pollWaits(0.5);
    assert.equal(waits.length, 2, `waits: ${waits.join(", ")}`);
    for (const wait of waits) {
      assert.ok(wait <= INTERVAL * 1.2 - POLL_TAKES, `waits: ${waits.join(", ")}`);
    }
  });

  it("jitters the waits, so many waiters do not poll in step", async () => {
    const low = await pollWaits(0);
    const high = await pollWaits(0.999);
    assert.equal(low.length, 2, `waits: ${low.join(", ")}`);
    assert.ok(low.every((wait, i) => wait < high[i]!), `low ${low.join(", ")}, high ${high}`);
  });
});
