// Feature fallbacks, as they run where the feature is missing: edge-runtime has
// no `AbortSignal.any`, so there the SDK links signals with listeners. These
// tests remove `AbortSignal.any` and check a run still aborts mid-stream (the
// matrix checks the same inside edge-runtime itself).
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference, TaskStatusCancelled, TaskStatusRunning } from "../../mod.ts";
import { createEmulator } from "../../src/testing/mod.ts";

describe("without AbortSignal.any", () => {
  const native = Object.getOwnPropertyDescriptor(AbortSignal, "any");
  beforeEach(() => void delete (AbortSignal as { any?: unknown }).any);
  afterEach(() => native && Object.defineProperty(AbortSignal, "any", native));

  it("aborts a run while its stream is open, and cancels the task", async () => {
    assert.equal((AbortSignal as { any?: unknown }).any, undefined);
    const emulator = createEmulator({ stepMs: 1, heartbeatMs: 20 });
    try {
      const client = inference({ apiKey: "k", fetch: emulator.fetch });
      const controller = new AbortController();
      const reason = new Error("stop");
      let id = "";
      await assert.rejects(
        client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
          signal: controller.signal,
          onUpdate: (task) => {
            id = task.id;
            if (task.status === TaskStatusRunning) controller.abort(reason);
          },
        }),
        (error) => error === reason,
      );
      // The run rejects at once; the cancel follows in the background.
      for (let i = 0; i < 400 && emulator.task(id)?.status !== TaskStatusCancelled; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(emulator.task(id)?.status, TaskStatusCancelled);
    } finally {
      emulator.close();
    }
  });
});
