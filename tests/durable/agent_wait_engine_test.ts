// agents.wait is a bounded wait over the follow engine's polling follower
// (issue 8: the engine is the only place that follows anything). Each case
// here fails on the former hand-written loop: its deadline could not cut a
// poll in flight, and one failed status poll ended the wait.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ClientOptions, inference } from "../../mod.ts";
import { ManualClock, RecordingClock } from "../_clock.ts";

const CHAT = "01j9z3m8k2c9v7b4n6q5r0c4at";

/** A request as the stub fetch saw it. */
interface Seen {
  path: string;
  method: string;
}

/**
 * A client whose fetch answers the chat's routes with `status(n)` for the n-th
 * status poll (a Response, or "hang": never answers, whatever the signal says)
 * and `chat` for the chat itself.
 */
function stub(
  status: (n: number) => Response | "hang",
  chat: { status: string },
  clientOptions: Pick<ClientOptions, "timeoutMs" | "maxRetries" | "clock"> = {},
) {
  const seen: Seen[] = [];
  let polls = 0;
  const answer = (data: unknown) => Promise.resolve(Response.json({ success: true, data }));
  const client = inference({
    apiKey: "inf_test_key_0123456789",
    ...clientOptions,
    fetch: (input, init) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      const path = new URL(request.url).pathname;
      seen.push({ path, method: request.method });
      if (path === `/chats/${CHAT}/status`) {
        const next = status(++polls);
        return next === "hang" ? new Promise<Response>(() => {}) : Promise.resolve(next);
      }
      if (path === `/chats/${CHAT}/messages`) return answer({ items: [], has_more: false });
      if (path === `/chats/${CHAT}`) return answer({ id: CHAT, ...chat, chat_messages: [] });
      return Promise.resolve(new Response("", { status: 404 }));
    },
  });
  return { client, seen, polls: () => polls };
}

describe("agents.wait() on the follow engine", () => {
  it("when the time is up during a status poll that hangs, returns the chat as it is", async () => {
    // The client's per-request timeout is far beyond the wait's: the former loop
    // waited for it and then rejected with a TimeoutError.
    // The wait's time is up when the test fires the clock: once a status poll hangs.
    const clock = new ManualClock();
    const { client, seen, polls } = stub(() => "hang", { status: "busy" }, {
      timeoutMs: 5_000,
      clock,
    });
    const waiting = client.agents.wait(CHAT, { timeoutMs: 20, pollIntervalMs: 5 });
    while (polls() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    clock.fire();
    const chat = await waiting;
    assert.equal(chat.id, CHAT);
    assert.equal(chat.status, "busy");
    assert.ok(!seen.some((r) => r.path.endsWith("/stop")), "the turn is not stopped");
  });

  it("goes on polling after a failed status poll, as every follower does", async () => {
    const busy = () => Response.json({ success: true, data: { status: "busy" } });
    const { client, polls } = stub(
      (n) =>
        n === 1 ? new Response("unavailable", { status: 503 }) : n < 3 ? busy() : Response.json({
          success: true,
          data: { status: "idle" },
        }),
      { status: "idle" },
      // The pause after the failed poll runs at once on this clock, not ~1 s of real time.
      { maxRetries: 0, clock: new RecordingClock() },
    );
    const chat = await client.agents.wait(CHAT, { pollIntervalMs: 5 });
    assert.equal(chat.status, "idle");
    assert.equal(polls(), 3);
  });

  it("rejects at once with the abort's reason while a poll hangs, and does not stop the turn", async () => {
    const { client, seen, polls } = stub(() => "hang", { status: "busy" });
    const controller = new AbortController();
    const waiting = client.agents.wait(CHAT, { signal: controller.signal, timeoutMs: 60_000 });
    while (polls() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const reason = new Error("isolate evicted");
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    assert.ok(!seen.some((r) => r.path.endsWith("/stop")));
  });
});
