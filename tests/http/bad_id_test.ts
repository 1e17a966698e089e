import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { calls, setup } from "../tasks/_setup.ts";

/**
 * Calls `call` and asserts that it returned a promise rejecting with a TypeError,
 * instead of throwing before it returned: `promise.catch()` and `.then(_, onError)`
 * must see every failure of an async method.
 */
async function assertRejects(name: string, call: () => Promise<unknown>): Promise<void> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    assert.fail(`${name} threw synchronously instead of rejecting: ${String(error)}`);
  }
  await assert.rejects(promise, TypeError, name);
}

describe("a bad id", () => {
  for (const id of ["", "..", "a/b"]) {
    it(`rejects (does not throw) from every get/keepalive/end/cancel/delete: ${JSON.stringify(id)}`, async () => {
      using env = setup();
      const { client } = env;
      await assertRejects("tasks.get", () => client.tasks.get(id));
      await assertRejects("tasks.cancel", () => client.tasks.cancel(id));
      await assertRejects("tasks.delete", () => client.tasks.delete(id));
      await assertRejects("sessions.get", () => client.sessions.get(id));
      await assertRejects("sessions.keepalive", () => client.sessions.keepalive(id));
      await assertRejects("sessions.end", () => client.sessions.end(id));
      await assertRejects("files.get", () => client.files.get(id));
      await assertRejects("chats.get", () => client.chats.get(id));
      assert.deepEqual(calls(env.emulator), [], "no request is sent");
    });
  }
});
