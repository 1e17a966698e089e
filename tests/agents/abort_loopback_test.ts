// Aborting a turn over a real socket: the rejection comes while the server still
// holds the stop request open, and the stop then lands. Ordering only, no timing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasDeno, hostile } from "../_loopback.ts";
import { inference } from "../../mod.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { KEY, until } from "./_setup.ts";

const LONG = "Please tell me a rather long story about a lighthouse keeper and the sea";

describe("aborting a turn over a loopback socket", { skip: !hasDeno }, () => {
  it("rejects while the server holds the stop open; the client never gives up on that stop", async () => {
    const emulator = createEmulator({ stepMs: 10, heartbeatMs: 5 });
    const stops: ("held" | "answered" | "abandoned")[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => release = resolve);
    await hostile(async (request) => {
      if (!new URL(request.url).pathname.endsWith("/stop")) {
        return await emulator.handler(request);
      }
      const index = stops.push("held") - 1;
      request.signal.addEventListener("abort", () => {
        if (stops[index] === "held") stops[index] = "abandoned";
      });
      await released;
      const response = await emulator.handler(request);
      if (stops[index] === "held") stops[index] = "answered";
      return response;
    }, async (base) => {
      try {
        const client = inference({ apiKey: KEY, baseUrl: base });
        const agent = client.agents.create("my-org/assistant@abc123");
        const controller = new AbortController();
        const reason = new Error("user left");
        let atRejection: string[] = [];
        await assert.rejects(
          agent.sendMessage(LONG, {
            signal: controller.signal,
            onDelta: () => controller.abort(reason),
          }).finally(() => atRejection = [...stops]),
          (error) => error === reason,
        );
        assert.ok(
          atRejection.every((state) => state === "held"),
          `rejected before any stop was answered or given up: ${atRejection.join(", ")}`,
        );
        await until(() => stops.length === 1);
        release();
        await until(() => stops[0] !== "held");
        assert.deepEqual(stops, ["answered"]);
        const chat = await agent.getChat();
        assert.equal(chat?.chat_messages?.at(-1)?.status, "cancelled");
      } finally {
        release();
        emulator.close();
      }
    });
  });
});
