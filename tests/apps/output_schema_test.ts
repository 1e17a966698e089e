import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { OutputValidationError, TaskStatusCompleted, TaskStatusFailed } from "../../mod.ts";
import type { StandardSchemaV1 } from "../../src/types.ts";
import { setup } from "../tasks/_setup.ts";

describe("tasks.run with outputSchema", () => {
  it("returns the output as the schema parsed it when it matches", async () => {
    using env = setup();
    const schema = z.object({ prompt: z.string().transform((s) => s.toUpperCase()) });
    const task = await env.client.tasks.run(
      { app: "infsh/echo", input: { prompt: "hi" } },
      { outputSchema: schema },
    );
    assert.equal(task.status, TaskStatusCompleted);
    // The parsed value, not the raw one: the transform ran.
    assert.deepEqual(task.output, { prompt: "HI" });
    const typed: string | undefined = task.output?.prompt;
    assert.equal(typed, "HI");
  });

  it("rejects with OutputValidationError naming the task, the output and the issues", async () => {
    using env = setup();
    const error = await env.client.tasks.run(
      { app: "infsh/echo", input: { prompt: 42 } },
      { outputSchema: z.object({ prompt: z.string() }) },
    ).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OutputValidationError, String(error));
    assert.equal(error.code, "invalid_output");
    assert.deepEqual(error.output, { prompt: 42 });
    assert.equal(error.issues[0]?.path?.[0], "prompt");
    assert.equal(typeof error.taskId, "string");
    assert.match(error.message, new RegExp(`task "${error.taskId}"`));
    assert.match(error.message, /prompt:/);
  });

  it("accepts any Standard Schema, sync or async, without a schema library", async () => {
    using env = setup();
    let seen: unknown;
    const handMade: StandardSchemaV1<unknown, { n: number }> = {
      "~standard": {
        version: 1,
        vendor: "hand-made",
        validate: (value) => {
          seen = value;
          return Promise.resolve({ value: { n: 1 } });
        },
      },
    };
    const task = await env.client.tasks.run(
      { app: "infsh/echo", input: { a: 1 } },
      { outputSchema: handMade },
    );
    assert.deepEqual(seen, { a: 1 });
    assert.equal(task.output?.n, 1);
  });

  it("does not check failed tasks or tasks not waited for", async () => {
    using env = setup();
    let calls = 0;
    const never: StandardSchemaV1<unknown, never> = {
      "~standard": {
        version: 1,
        vendor: "hand-made",
        validate: () => {
          calls++;
          return { issues: [{ message: "never" }] };
        },
      },
    };
    const failed = await env.client.tasks.run(
      { app: "infsh/fail", input: {} },
      { outputSchema: never },
    );
    assert.equal(failed.status, TaskStatusFailed);
    await env.client.tasks.run({ app: "infsh/echo", input: {} }, {
      outputSchema: never,
      wait: false,
    });
    assert.equal(calls, 0);
  });

  it("checks the runs of a session too", async () => {
    using env = setup();
    const session = await env.client.sessions.open("infsh/counter");
    const task = await session.run({}, { outputSchema: z.object({ count: z.number() }) });
    assert.equal(task.output?.count, 1);
    await assert.rejects(
      session.run({}, { outputSchema: z.object({ count: z.string() }) }),
      OutputValidationError,
    );
    await session.end();
  });
});
