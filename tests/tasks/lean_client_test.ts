import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference, TaskStatusCompleted } from "../../src/tasks/mod.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { KEY } from "./_setup.ts";

describe("the lean tasks client (@inferencesh/sdk/tasks)", () => {
  it("runs tasks like the full client", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const client = inference({ apiKey: KEY, fetch: emulator.fetch });
      const task = await client.tasks.run({ app: "infsh/echo", input: { a: [1, "x"] } });
      assert.equal(task.status, TaskStatusCompleted);
      assert.deepEqual(task.output, { a: [1, "x"] });
    } finally {
      emulator.close();
    }
  });

  it("refuses file values in input, naming them, before any request", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const client = inference({ apiKey: KEY, fetch: emulator.fetch });
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ image: new Blob(["x"]) }, /'input\.image' is binary data/],
        [{ list: [1, new Uint8Array(2)] }, /'input\.list\[1\]' is binary data/],
        [{ deep: { doc: "data:text/plain,hi" } }, /'input\.deep\.doc' is a data: URI/],
      ];
      for (const [input, message] of cases) {
        await assert.rejects(
          client.tasks.run({ app: "infsh/echo", input }),
          (error: Error) => error instanceof TypeError && message.test(error.message),
        );
      }
      assert.equal(emulator.requests.length, 0);
    } finally {
      emulator.close();
    }
  });
});
