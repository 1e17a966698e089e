// Aborting a turn rejects at once; the stop reaches the server in the background.
// A failed tool result stops the turn on the server before the turn rejects.
// No timed assertions: each test asserts an ordering (what the server had seen, or
// still held open, when the call settled).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiError, inference, string, tool } from "../../mod.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { calls, KEY, until } from "./_setup.ts";

const LONG = "Please tell me a rather long story about a lighthouse keeper and the sea";

type StopState = "unsent" | "held" | "released" | "abandoned";

/**
 * An emulator behind a fetch that holds every `POST /chats/{id}/stop` open (the
 * server has not answered) until `release()`; a stop whose request is aborted
 * before that is "abandoned".
 */
function heldStops() {
  const emulator = createEmulator({ stepMs: 10, heartbeatMs: 5 });
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const states: StopState[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (!new URL(request.url).pathname.endsWith("/stop")) return await emulator.fetch(request);
    const index = states.push("held") - 1;
    const aborted = new Promise<never>((_, reject) => {
      const abandon = () => {
        states[index] = "abandoned";
        reject(request.signal.reason);
      };
      if (request.signal.aborted) abandon();
      request.signal.addEventListener("abort", abandon, { once: true });
    });
    aborted.catch(() => {});
    await Promise.race([released, aborted]);
    const response = await emulator.fetch(request);
    states[index] = "released";
    return response;
  };
  const client = inference({ apiKey: KEY, fetch });
  return {
    emulator,
    client,
    release,
    /** The state of the latest stop (or "unsent"). */
    stop: (): StopState => states.at(-1) ?? "unsent",
    stops: states,
    [Symbol.dispose]: () => {
      release();
      emulator.close();
    },
  };
}

describe("aborting a turn", () => {
  it("rejects with signal.reason at once, while the server still holds the stop open; the stop then lands", async () => {
    using env = heldStops();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const controller = new AbortController();
    const reason = new Error("user left");
    let stopAtRejection: StopState | undefined;
    await assert.rejects(
      agent.sendMessage(LONG, {
        signal: controller.signal,
        onDelta: () => controller.abort(reason),
      }).finally(() => stopAtRejection = env.stop()),
      (error) => error === reason,
    );
    assert.ok(
      stopAtRejection === "unsent" || stopAtRejection === "held",
      `rejected before the stop was answered (the stop was ${stopAtRejection})`,
    );
    await until(() => env.stop() === "held");
    env.release();
    await until(() => env.stop() === "released");
    const chat = await agent.getChat();
    assert.equal(
      chat?.chat_messages?.at(-1)?.status,
      "cancelled",
      "the stop still reached the server",
    );
    assert.deepEqual(env.stops, ["released"], "one stop");
  });

  it("the next message waits for that stop, so the stop cannot cancel the next turn", async () => {
    using env = heldStops();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const controller = new AbortController();
    await assert.rejects(
      agent.sendMessage(LONG, {
        signal: controller.signal,
        onDelta: () => controller.abort(new Error("user left")),
      }),
    );
    const next = agent.sendMessage("Still there?");
    await until(() => env.stop() === "held");
    env.release();
    const reply = await next;
    assert.equal(reply.text, "You said: Still there?");
    const log = calls(env.emulator);
    const stop = log.indexOf(`POST /chats/${agent.chatId}/stop`);
    assert.ok(stop > 0 && stop < log.lastIndexOf("POST /agents/run"), log.join("\n"));
  });

  it("an abort while the message is being posted rejects at once; the turn is stopped once the POST answers", async () => {
    const emulator = createEmulator({ stepMs: 10, heartbeatMs: 5 });
    let releasePost!: () => void;
    const postHeld = new Promise<void>((resolve) => releasePost = resolve);
    let posting = false;
    const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === "/agents/run") {
        posting = true;
        // The server has the message but has not answered yet; an abort drops the
        // connection, as a real fetch would.
        await Promise.race([
          postHeld,
          new Promise<never>((_, reject) => {
            if (request.signal.aborted) reject(request.signal.reason);
            request.signal.addEventListener("abort", () => reject(request.signal.reason));
          }),
        ]);
      }
      return await emulator.fetch(request);
    };
    try {
      const agent = inference({ apiKey: KEY, fetch }).agents.create("my-org/assistant@abc123");
      const controller = new AbortController();
      const reason = new Error("changed my mind");
      const turn = agent.sendMessage(LONG, { signal: controller.signal });
      await until(() => posting);
      controller.abort(reason);
      await assert.rejects(turn, (error) => error === reason);
      assert.deepEqual(calls(emulator), [], "rejected before the POST was answered");
      releasePost();
      await until(() => calls(emulator).some((c) => c.endsWith("/stop")));
      const log = calls(emulator);
      assert.equal(log[0], "POST /agents/run");
      assert.match(log.at(-1)!, /^POST \/chats\/[^/]+\/stop$/);
    } finally {
      releasePost();
      emulator.close();
    }
  });
  it("an abort before the message was posted stops nothing (nothing of the turn runs)", async () => {
    const emulator = createEmulator({ stepMs: 10, heartbeatMs: 5 });
    const controller = new AbortController();
    let armed = false;
    const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      // The second turn aborts while its stream opens, before its POST.
      if (path.endsWith("/stream") && armed) {
        controller.abort(new Error("gone"));
      }
      return emulator.fetch(request);
    };
    try {
      const agent = inference({ apiKey: KEY, fetch }).agents.create("my-org/assistant@abc123");
      await agent.sendMessage("one");
      armed = true;
      await assert.rejects(agent.sendMessage("two", { signal: controller.signal }), /gone/);
      armed = false;
      await agent.sendMessage("three"); // would wait for a stop, had one been scheduled
      const log = calls(emulator);
      assert.equal(log.filter((c) => c.endsWith("/stop")).length, 0, log.join("\n"));
      assert.equal(log.filter((c) => c === "POST /agents/run").length, 2);
    } finally {
      emulator.close();
    }
  });
});

describe("a failed tool result", () => {
  it("stops the turn on the server before sendMessage rejects", async () => {
    const emulator = createEmulator({ stepMs: 5, heartbeatMs: 5 });
    try {
      const client = inference({ apiKey: KEY, fetch: emulator.fetch });
      const agent = client.agents.create({
        coreApp: "infsh/emulated-llm",
        tools: [tool("get_weather").params({ city: string("City") }).handler(() => "21°C").build()],
      });
      emulator.faults.failNext(400, { path: "/tools/", method: "POST" });
      let logAtRejection: string[] = [];
      await assert.rejects(
        agent.sendMessage("What is the weather in Rome?").finally(() =>
          logAtRejection = calls(emulator)
        ),
        (error) => error instanceof ApiError && error.status === 400,
      );
      assert.ok(
        logAtRejection.includes(`POST /chats/${agent.chatId}/stop`),
        logAtRejection.join("\n"),
      );
      const chat = await agent.getChat();
      assert.equal(chat?.status, "idle");
      assert.equal(chat?.chat_messages?.at(-1)?.status, "cancelled");
    } finally {
      emulator.close();
    }
  });
});
