// The emulator's session endpoints on the wire, without the SDK.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createEmulator, ManualClock } from "../../src/testing/mod.ts";
import { ULID } from "../testing/_helpers.ts";

const API = "https://api.inference.sh";
const AUTH = { authorization: "Bearer k" };

describe("emulator sessions", () => {
  it("answers with problem bodies carrying the documented codes, and 204 for DELETE", async () => {
    const clock = new ManualClock();
    const emulator = createEmulator({ clock, stepMs: 0 });
    try {
      const call = (method: string, path: string, body?: unknown) =>
        emulator.fetch(`${API}${path}`, {
          method,
          headers: AUTH,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const problem = async (response: Response) => {
        assert.equal(response.headers.get("content-type"), "application/problem+json");
        const body = await response.json();
        assert.equal(body.type, `https://api.inference.sh/errors/${body.code}`);
        assert.equal(body.status, response.status);
        return [response.status, body.code];
      };
      const run = (session: string, extra: Record<string, unknown> = {}) =>
        call("POST", "/apps/run", { app: "infsh/counter", input: {}, session, ...extra });

      assert.deepEqual(await problem(await call("GET", "/sessions/sess_x")), [
        404,
        "SESSION_NOT_FOUND",
      ]);
      assert.deepEqual(await problem(await run("sess_x")), [404, "SESSION_NOT_FOUND"]);
      assert.deepEqual(
        await problem(await run("new", { session_timeout: 0 })),
        [400, "INVALID_SESSION_TIMEOUT"],
      );

      const created = (await (await run("new", { session_timeout: 10 })).json()).data;
      const first = String(created.session_id);
      assert.match(first, ULID);
      assert.equal(created.session_timeout, 10);
      const session = (await (await call("GET", `/sessions/${first}`)).json()).data;
      assert.equal(session.status, "active");
      assert.equal(session.short_id, first.slice(0, 8));
      assert.match(session.worker_id, ULID);
      assert.equal(session.expires_at, new Date(clock.now() + 10_000).toISOString());

      clock.advance(10_000);
      assert.deepEqual(await problem(await run(first)), [410, "SESSION_EXPIRED"]);
      assert.deepEqual(
        await problem(await call("POST", `/sessions/${first}/keepalive`)),
        [410, "SESSION_EXPIRED"],
      );

      const second = String((await (await run("new")).json()).data.session_id);
      assert.notEqual(second, first);
      const ended = await call("DELETE", `/sessions/${second}`);
      assert.equal(ended.status, 204);
      assert.equal(await ended.text(), "");
      assert.deepEqual(await problem(await run(second)), [410, "SESSION_ENDED"]);
      assert.equal((await call("DELETE", `/sessions/${second}`)).status, 204, "again: no change");
      assert.deepEqual(await problem(await call("DELETE", "/sessions/sess_x")), [
        404,
        "SESSION_NOT_FOUND",
      ]);
      assert.deepEqual((await (await call("GET", "/sessions")).json()).data, []);
    } finally {
      emulator.close();
    }
  });
});
