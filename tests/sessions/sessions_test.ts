import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AppMismatchError,
  inference,
  isSessionError,
  SessionEndedError,
  SessionExpiredError,
  SessionNotFoundError,
  type Task,
  TaskStatusRunning,
  VersionMismatchError,
  WorkerLeasedError,
} from "../../mod.ts";
import { Session } from "../../src/sessions/sessions.ts";
import { ManualClock } from "../../src/testing/mod.ts";
import { calls, KEY, setup } from "../tasks/_setup.ts";

/** A fast emulator on a manual clock, and a client. */
function sessionSetup() {
  const clock = new ManualClock();
  const env = setup({ clock, stepMs: 0 });
  return Object.assign(env, { clock });
}

/** Runs `infsh/counter` once with `extra` request fields. */
function count(env: ReturnType<typeof setup>, extra: Record<string, unknown> = {}): Promise<Task> {
  return env.client.tasks.run({ app: "infsh/counter", input: {}, ...extra });
}

/** The `session` fields of every `POST /apps/run` body. */
function sessionFields(env: ReturnType<typeof setup>): unknown[][] {
  return env.emulator.requests.filter((r) => r.path === "/apps/run").map((r) => {
    const body = JSON.parse(r.body);
    return [body.session, body.session_timeout];
  });
}

describe("sessions through tasks.run()", () => {
  it("session: new returns session_id, and calls with it reach the same worker's memory", async () => {
    using env = sessionSetup();
    const first = await count(env, { session: "new", session_timeout: 120 });
    const id = first.session_id as string;
    assert.match(id, /^[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    assert.equal(first.session_timeout, 120);
    assert.deepEqual(first.output, { count: 1 });
    assert.deepEqual((await count(env, { session: id })).output, { count: 2 });
    assert.deepEqual((await count(env, { session: id, input: { by: 10 } })).output, { count: 12 });
    // Another session, and a task outside any session, start from zero.
    const other = await count(env, { session: "new" });
    assert.notEqual(other.session_id, id);
    assert.deepEqual(other.output, { count: 1 });
    assert.deepEqual((await count(env)).output, { count: 1 });
    assert.deepEqual((await count(env)).output, { count: 1 });
    assert.deepEqual((await count(env, { session: id })).output, { count: 13 });
    assert.equal((await env.client.sessions.get(id)).call_count, 4);
  });

  it("checks session_timeout before any request", async () => {
    using env = sessionSetup();
    for (const bad of [0, 3601, 1.5]) {
      await assert.rejects(count(env, { session: "new", session_timeout: bad }), RangeError);
    }
    await assert.rejects(count(env, { session_timeout: 60 }), /only allowed with session: "new"/);
    await assert.rejects(count(env, { session: "sess_1", session_timeout: 60 }), TypeError);
    assert.equal(env.emulator.requests.length, 0);
  });

  it("expires a session idle for session_timeout seconds, on the emulator's clock", async () => {
    using env = sessionSetup();
    const id = (await count(env, { session: "new", session_timeout: 60 })).session_id as string;
    env.clock.advance(59_999);
    assert.equal((await env.client.sessions.get(id)).status, "active");
    env.clock.advance(1);
    const expired = await env.client.sessions.get(id);
    assert.equal(expired.status, "expired");
    assert.deepEqual(await env.client.sessions.list(), []);
    const error = await count(env, { session: id }).catch((e: unknown) => e);
    assert.ok(error instanceof SessionExpiredError, String(error));
    assert.equal(error.sessionId, id);
    assert.equal(error.status, 410);
    assert.equal(error.code, "SESSION_EXPIRED");
    assert.ok(isSessionError(error));
    await assert.rejects(
      env.client.sessions.keepalive(id),
      (e: unknown) => e instanceof SessionExpiredError && e.sessionId === id,
    );
  });

  it("slides the expiry on every call and keepalive", async () => {
    using env = sessionSetup();
    const id = (await count(env, { session: "new", session_timeout: 60 })).session_id as string;
    env.clock.advance(50_000);
    await count(env, { session: id });
    env.clock.advance(50_000);
    const kept = await env.client.sessions.keepalive(id);
    assert.equal(kept.expires_at, new Date(env.clock.now() + 60_000).toISOString());
    env.clock.advance(50_000);
    assert.deepEqual(
      (await count(env, { session: id })).output,
      { count: 3 },
      "150 s after it began",
    );
    env.clock.advance(60_000);
    assert.equal((await env.client.sessions.get(id)).status, "expired");
  });

  it("does not expire a session while its task runs, and starts the idle time when it ends", async () => {
    using env = sessionSetup();
    const first = await env.client.tasks.run({
      app: "infsh/sleep",
      input: { seconds: 0 },
      session: "new",
      session_timeout: 60,
    });
    const id = first.session_id as string;
    const task = await env.client.tasks.run(
      { app: "infsh/sleep", input: { seconds: 0.05 }, session: id },
      { wait: false },
    );
    for await (const update of env.client.tasks.stream(task.id)) {
      if (update.status === TaskStatusRunning) break;
    }
    env.clock.advance(120_000);
    assert.equal((await env.client.sessions.get(id)).status, "active", "busy: no expiry");
    for await (const _ of env.client.tasks.stream(task.id)) { /* to the end */ }
    env.clock.advance(59_000);
    assert.equal((await env.client.sessions.get(id)).status, "active", "idle since the task ended");
    env.clock.advance(1_000);
    assert.equal((await env.client.sessions.get(id)).status, "expired");
  });

  it("ends a session: later calls are SessionEndedError; ending again is fine", async () => {
    using env = sessionSetup();
    const id = (await count(env, { session: "new" })).session_id as string;
    await env.client.sessions.end(id);
    const ended = await env.client.sessions.get(id);
    assert.equal(ended.status, "ended");
    assert.equal(ended.ended_at, new Date(env.clock.now()).toISOString());
    await assert.rejects(
      count(env, { session: id }),
      (e: unknown) => e instanceof SessionEndedError && e.sessionId === id && e.status === 410,
    );
    await assert.rejects(env.client.sessions.keepalive(id), SessionEndedError);
    await env.client.sessions.end(id);
    assert.equal(
      env.emulator.requests.filter((r) => r.method === "DELETE").length,
      2,
    );
  });

  it("answers unknown sessions with SessionNotFoundError carrying the id, on every endpoint", async () => {
    using env = sessionSetup();
    const id = "sess_nope";
    const attempts = [
      () => env.client.sessions.get(id),
      () => env.client.sessions.keepalive(id),
      () => env.client.sessions.end(id),
      () => count(env, { session: id }),
    ];
    for (const attempt of attempts) {
      await assert.rejects(attempt(), (e: unknown) => {
        return e instanceof SessionNotFoundError && e.sessionId === id && e.status === 404 &&
          e.code === "SESSION_NOT_FOUND";
      });
    }
  });

  it("refuses another app, another version and a leased worker", async () => {
    using env = sessionSetup();
    const task = await count(env, { session: "new" });
    const id = task.session_id as string;
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/echo", input: {}, session: id }),
      (e: unknown) => e instanceof AppMismatchError && e.sessionId === id && e.status === 400,
    );
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/counter@ver_counter_2", input: {}, session: id }),
      (e: unknown) => e instanceof VersionMismatchError && e.sessionId === id,
    );
    assert.deepEqual(
      (await env.client.tasks.run({ app: "infsh/counter@ver_counter_1", input: {}, session: id }))
        .output,
      { count: 2 },
    );
    const worker = (await env.client.sessions.get(id)).worker_id as string;
    await assert.rejects(
      env.client.tasks.run({ app: "infsh/counter", input: {}, workers: [worker] }),
      (e: unknown) => e instanceof WorkerLeasedError && e.status === 409,
    );
  });

  it("types session errors on the stream connect and polls too, with the session's id", async () => {
    using env = sessionSetup();
    // A front that answers the task stream and status polls with the problem a gone session gets.
    const fetch: typeof env.emulator.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (/\/tasks\/[^/]+\/(stream|status)$/.test(new URL(request.url).pathname)) {
        return Response.json({
          type: "https://api.inference.sh/errors/SESSION_EXPIRED",
          title: "Session expired",
          status: 410,
          detail: "the session expired",
        }, { status: 410, headers: { "content-type": "application/problem+json" } });
      }
      const response = await env.emulator.fetch(request);
      if (new URL(request.url).pathname === "/apps/run" && response.ok) {
        created = (await response.clone().json()).data.session_id;
      }
      return response;
    };
    let created = "";
    const client = inference({ apiKey: KEY, fetch });
    const error = await client.tasks.run({ app: "infsh/counter", input: {}, session: "new" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof SessionExpiredError, String(error));
    assert.equal(error.sessionId, created, "the id the run returned");
    const sessionId = created;
    assert.equal(error.code, "SESSION_EXPIRED");
    const joined = await client.tasks.run({ app: "infsh/counter", input: {}, session: sessionId })
      .catch((e: unknown) => e);
    assert.ok(joined instanceof SessionExpiredError && joined.sessionId === sessionId);
    const polled = await client.tasks.run(
      { app: "infsh/counter", input: {}, session: sessionId },
      { stream: false },
    ).catch((e: unknown) => e);
    assert.ok(polled instanceof SessionExpiredError, String(polled));
    assert.equal(polled.sessionId, sessionId);
  });
});

describe("client.sessions", () => {
  it("lists the active sessions and reads one", async () => {
    using env = sessionSetup();
    const a = (await count(env, { session: "new", session_timeout: 30 })).session_id as string;
    const b = (await count(env, { session: "new" })).session_id as string;
    await env.client.sessions.end(b);
    const listed = await env.client.sessions.list();
    assert.deepEqual(listed.map((s) => s.id), [a]);
    const session = await env.client.sessions.get(a);
    assert.equal(session.idle_timeout, 30);
    assert.equal(session.app_id, "app_counter");
    assert.equal(session.call_count, 1);
    assert.equal(session.expires_at, new Date(env.clock.now() + 30_000).toISOString());
    assert.deepEqual(
      calls(env.emulator).filter((c) => c.includes("/sessions")),
      [`DELETE /sessions/${b}`, "GET /sessions", `GET /sessions/${a}`],
    );
  });
});

describe("sessions.open()", () => {
  it("sends nothing until the first run, which starts the session; later runs join it", async () => {
    using env = sessionSetup();
    const session = await env.client.sessions.open("infsh/counter", { timeout: 300 });
    assert.ok(session instanceof Session);
    assert.equal(session.id, undefined);
    assert.equal(env.emulator.requests.length, 0);
    assert.deepEqual((await session.run({})).output, { count: 1 });
    assert.match(session.id ?? "", /^[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    assert.deepEqual((await session.run({ by: 2 })).output, { count: 3 });
    assert.deepEqual(sessionFields(env), [["new", 300], [session.id, undefined]]);
    await session.end();
    assert.equal(session.ended, true);
    assert.equal((await env.client.sessions.get(session.id!)).status, "ended");
  });

  it("runs the calls of one handle in order, so concurrent calls share one session", async () => {
    using env = sessionSetup();
    const session = await env.client.sessions.open("infsh/counter");
    const outputs = await Promise.all([1, 2, 3].map(() => session.run({})));
    assert.deepEqual(outputs.map((t) => t.output), [{ count: 1 }, { count: 2 }, { count: 3 }]);
    assert.deepEqual(sessionFields(env).map(([s]) => s), ["new", session.id, session.id]);
  });

  it("ends the session when an `await using` block is left", async () => {
    using env = sessionSetup();
    let id: string | undefined;
    {
      await using session = await env.client.sessions.open("infsh/counter", { timeout: 60 });
      await session.run({});
      id = session.id;
    }
    assert.ok(calls(env.emulator).includes(`DELETE /sessions/${id}`));
    assert.equal(typeof Session.prototype[Symbol.asyncDispose], "function");
  });

  it("refuses runs after end(), and ends a never-started session without a request", async () => {
    using env = sessionSetup();
    const session = await env.client.sessions.open("infsh/counter");
    await session.end();
    await assert.rejects(session.run({}), SessionEndedError);
    assert.equal(env.emulator.requests.length, 0);
  });

  it("needs a first run for keepalive() and info()", async () => {
    using env = sessionSetup();
    const session = await env.client.sessions.open("infsh/counter");
    await assert.rejects(session.keepalive(), /starts with its first run\(\)/);
    await session.run({});
    assert.equal((await session.info()).id, session.id);
    env.clock.advance(59_000);
    await session.keepalive();
    env.clock.advance(59_000);
    assert.deepEqual((await session.run({})).output, { count: 2 });
  });

  it("end() succeeds on a session that already expired, run() reports the expiry", async () => {
    using env = sessionSetup();
    const session = await env.client.sessions.open("infsh/counter", { timeout: 1 });
    await session.run({});
    env.clock.advance(1_000);
    await assert.rejects(
      session.run({}),
      (e: unknown) => e instanceof SessionExpiredError && e.sessionId === session.id,
    );
    await session.end();
    assert.equal(session.ended, true);
  });

  it("checks its arguments before any request", async () => {
    using env = sessionSetup();
    await assert.rejects(env.client.sessions.open(""), TypeError);
    await assert.rejects(env.client.sessions.open("infsh/counter", { timeout: 0 }), RangeError);
    await assert.rejects(env.client.sessions.open("infsh/counter", { timeout: 3601 }), RangeError);
    await assert.rejects(
      env.client.sessions.open("infsh/counter", {
        setup: [] as unknown as Record<string, unknown>,
      }),
      TypeError,
    );
    assert.equal(env.emulator.requests.length, 0);
  });
});
