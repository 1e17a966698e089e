/// <reference lib="deno.ns" />
// An agent turn over a real socket, against the emulator served by Deno: real fetch,
// real long-lived chat streams, a real disconnect mid-turn.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasDeno, served } from "../_loopback.ts";
import { z } from "zod";
import { inference, tool } from "../../mod.ts";
import { KEY, openStreams } from "./_setup.ts";

describe("agents over a loopback socket", { skip: !hasDeno }, () => {
  it("runs a client tool and a structured output across a dropped connection", async () => {
    await served({ stepMs: 2, heartbeatMs: 20 }, async (emulator, base) => {
      const client = inference({ apiKey: KEY, baseUrl: base });
      let ran = 0;
      const agent = client.agents.create({
        coreApp: "infsh/emulated-llm",
        tools: [
          tool("get_weather").params(z.object({ city: z.string() })).handler(({ city }) => {
            ran++;
            return { city, celsius: 21 };
          }).build(),
        ],
        outputSchema: z.object({ city: z.string(), celsius: z.number() }),
      });
      emulator.faults.dropStreamAfter(6, { path: "/chats/" });
      let text = "";
      const reply = await agent.sendMessage("What is the weather in Zürich? 🌦", {
        reconnectDelayMs: 0,
        onDelta: (delta) => text += delta.delta.response ?? "",
      });
      assert.equal(ran, 1);
      assert.equal(text, reply.text);
      assert.deepEqual(reply.output, { city: "Zürich", celsius: 21 });
      assert.equal(emulator.requests.filter((r) => r.path.endsWith("/stream")).length, 2);
      assert.equal(openStreams(emulator), 0, "the stream is closed once the turn is over");
    });
  });
});
