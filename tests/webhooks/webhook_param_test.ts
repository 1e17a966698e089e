import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inference } from "../../mod.ts";
import { createEmulator } from "../../src/testing/mod.ts";

describe("tasks.run({ webhook })", () => {
  it("accepts https: anywhere and http: to this machine, and sends it", async () => {
    const emulator = createEmulator({
      stepMs: 1,
      webhookFetch: () => Promise.resolve(new Response()),
    });
    try {
      const client = inference({ apiKey: "k", fetch: emulator.fetch });
      for (
        const webhook of [
          "https://example.com/hook?x=1",
          "http://127.0.0.1:8787/hook",
          "http://localhost/hook",
          "http://[::1]:9000/",
        ]
      ) {
        const task = await client.tasks.run({ app: "infsh/echo", input: {}, webhook }, {
          wait: false,
        });
        assert.equal(emulator.task(task.id)?.webhook, webhook);
      }
    } finally {
      emulator.close();
    }
  });

  it("refuses anything else before any request, naming the field", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const client = inference({ apiKey: "k", fetch: emulator.fetch });
      for (
        const webhook of [
          "http://example.com/hook",
          "http://10.0.0.1/hook",
          "ftp://example.com/hook",
          "/relative/hook",
          "",
          42,
          null,
        ]
      ) {
        await assert.rejects(
          client.tasks.run({ app: "infsh/echo", input: {}, webhook: webhook as string }),
          (error: unknown) =>
            error instanceof TypeError && /'webhook' must be an https: URL/.test(error.message),
          String(webhook),
        );
      }
      assert.equal(emulator.requests.length, 0);
    } finally {
      emulator.close();
    }
  });
});
