// Deltas replayed by a reconnected stream (the emulator's replayDeltas fault) are
// reported once: the follower keeps a cursor per producer. Removing that check
// makes this test fail.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";
import type { TaskDelta } from "../../src/types.ts";
import { createEmulator } from "../../src/testing/mod.ts";

describe("deltas replayed after a reconnect", () => {
  it("are reported once, and the text adds up to the output", async () => {
    const emulator = createEmulator({ stepMs: 2 });
    try {
      const client = inference({ apiKey: "inf_test_key_0123456789", fetch: emulator.fetch });
      // The first stream drops after the state and a few deltas; every later
      // stream starts by replaying all the deltas sent so far.
      emulator.faults.dropStreamAfter(8, { mode: "error" });
      emulator.faults.replayDeltas({ times: 10 });
      const seen: number[] = [];
      let text = "";
      const result = await client.tasks.run(
        { app: "infsh/text-stream", input: { prompt: "replayed deltas stay single" } },
        {
          reconnectDelayMs: 0,
          onDelta: (delta: TaskDelta) => {
            if (typeof delta.seq === "number") seen.push(delta.seq);
            text += delta.delta.response ?? "";
          },
        },
      );
      const streams = emulator.requests.filter((r) => r.path.endsWith("/stream")).length;
      assert.ok(streams >= 2, `reconnected: ${streams} streams`);
      assert.deepEqual(seen, [...new Set(seen)], "no seq twice");
      assert.equal(text, (result.output as { response: string }).response);
    } finally {
      emulator.close();
    }
  });
});
