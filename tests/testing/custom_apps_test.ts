import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  inference,
  RequirementsNotMetError,
  TaskStatusCompleted,
  TaskStatusFailed,
} from "../../mod.ts";
import { type AppDefinition, createEmulator } from "../../src/testing/mod.ts";

describe("createEmulator({ apps })", () => {
  const apps: AppDefinition[] = [
    {
      name: "my-org/flux",
      run: (input, context) => {
        context.log("drawing");
        return { image: "https://example.com/cat.png", got: input };
      },
    },
    {
      name: "my-org/broken",
      run: () => {
        throw new Error("GPU on fire");
      },
    },
    {
      name: "my-org/gated",
      requirements:
        () => [{ type: "secret", key: "HF_TOKEN", message: "Secret HF_TOKEN is required" }],
      run: () => ({}),
    },
    // Same name as a built-in: the user's app wins.
    { name: "infsh/echo", run: () => "replaced" },
  ];

  it("runs the apps of the caller next to the built-in ones", async () => {
    const emulator = createEmulator({ stepMs: 1, apps });
    try {
      const client = inference({ apiKey: "k", fetch: emulator.fetch });
      const done = await client.tasks.run({ app: "my-org/flux@v2", input: { prompt: "cat" } });
      assert.equal(done.status, TaskStatusCompleted);
      assert.deepEqual(done.output, {
        image: "https://example.com/cat.png",
        got: { prompt: "cat" },
      });
      assert.equal(done.app_id, "app_my_org_flux");
      const failed = await client.tasks.run({ app: "my-org/broken", input: {} });
      assert.equal(failed.status, TaskStatusFailed);
      assert.equal(failed.error, "GPU on fire");
      await assert.rejects(
        client.tasks.run({ app: "my-org/gated", input: {} }),
        (error: RequirementsNotMetError) =>
          error instanceof RequirementsNotMetError && error.errors[0]?.key === "HF_TOKEN",
      );
      assert.equal((await client.tasks.run({ app: "infsh/echo", input: {} })).output, "replaced");
      assert.equal(
        (await client.tasks.run({ app: "infsh/sleep", input: { seconds: 0 } })).status,
        10,
      );
    } finally {
      emulator.close();
    }
  });

  it("rejects a malformed app, naming the field", () => {
    assert.throws(() => createEmulator({ apps: [{ name: "noslash", run: () => 1 }] }), /'name'/);
    assert.throws(
      () => createEmulator({ apps: [{ name: "a/b", run: 1 } as unknown as AppDefinition] }),
      /'run'/,
    );
  });
});
