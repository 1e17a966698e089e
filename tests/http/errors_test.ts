import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APIConnectionError,
  ApiConnectionError,
  ApiError,
  AppMismatchError,
  BadRequestError,
  inference,
  InferenceError,
  isSessionError,
  RateLimitError,
  RequirementsNotMetError,
  SessionEndedError,
  TimeoutError,
  UploadError,
  WorkerLostError,
} from "../../mod.ts";
import { createEmulator } from "../../src/testing/mod.ts";

describe("the error tree", () => {
  it("has one spelling, with the old one as an alias of the same class", () => {
    assert.equal(APIConnectionError, ApiConnectionError);
    const error = new APIConnectionError("x");
    assert.ok(error instanceof ApiConnectionError && error instanceof InferenceError);
    assert.ok(new TimeoutError("t", { phase: "idle", timeoutMs: 5 }) instanceof APIConnectionError);
  });

  it("names every class in `name` and in the stack", () => {
    const cases: [Error, string][] = [
      [new InferenceError("m"), "InferenceError"],
      [new ApiError("m"), "ApiError"],
      [new BadRequestError("m"), "BadRequestError"],
      [new AppMismatchError("m"), "AppMismatchError"],
      [new WorkerLostError("m"), "WorkerLostError"],
      [new ApiConnectionError("m"), "ApiConnectionError"],
      [new TimeoutError("m", { phase: "request", timeoutMs: 1 }), "TimeoutError"],
      [new UploadError("m", { step: "create" }), "UploadError"],
    ];
    for (const [error, name] of cases) {
      assert.equal(error.name, name);
      assert.ok(error.stack?.startsWith(`${name}: m`), error.stack);
      assert.equal(String(error), `${name}: m`);
    }
  });

  it("takes extra fields in the options object, and still the older positional forms", () => {
    const errors = [{ type: "secret", key: "K", message: "needed" }];
    assert.deepEqual(new RequirementsNotMetError("m", { errors, status: 412 }).errors, errors);
    const legacy = new RequirementsNotMetError("m", errors, { status: 412 });
    assert.deepEqual([legacy.errors, legacy.status], [errors, 412]);

    assert.equal(new RateLimitError("m", { retryAfterMs: 5 }).retryAfterMs, 5);
    const rate = new RateLimitError("m", 7, { status: 429 });
    assert.deepEqual([rate.retryAfterMs, rate.status], [7, 429]);

    const timeout = new TimeoutError("m", "idle", 30, { code: "c" });
    assert.deepEqual([timeout.phase, timeout.timeoutMs, timeout.code], ["idle", 30, "c"]);

    const upload = new UploadError("m", "upload", { field: "input.a", status: 503 });
    assert.deepEqual([upload.step, upload.field, upload.status], ["upload", "input.a", 503]);
  });

  it("carries sessionId on any error, and tells session errors apart", () => {
    assert.equal(new SessionEndedError("m", { sessionId: "s1" }).sessionId, "s1");
    assert.equal(
      new TimeoutError("m", { phase: "idle", timeoutMs: 1, sessionId: "s2" }).sessionId,
      "s2",
    );
    assert.ok(isSessionError(new WorkerLostError("m")));
    assert.ok(!isSessionError(new BadRequestError("m")));
  });
});

describe("ids become exactly one path segment, or nothing is sent", () => {
  const bad = ["", ".", "..", "a/b", "../tasks", "a\\b"];
  it("refuses empty, dot and slashed ids before any request, naming the argument", async () => {
    const emulator = createEmulator();
    const client = inference({ apiKey: "test_key_0123456789", fetch: emulator.fetch });
    try {
      for (const id of bad) {
        const calls: [string, () => Promise<unknown>][] = [
          ["tasks.cancel", async () => await client.tasks.cancel(id)],
          ["tasks.get", async () => await client.tasks.get(id)],
          ["sessions.end", async () => await client.sessions.end(id)],
          ["sessions.get", async () => await client.sessions.get(id)],
          ["sessions.keepalive", async () => await client.sessions.keepalive(id)],
        ];
        for (const [name, call] of calls) {
          await assert.rejects(
            call,
            (error: Error) => error instanceof TypeError && /argument 'id'/.test(error.message),
            `${name}(${JSON.stringify(id)})`,
          );
        }
      }
      assert.deepEqual(emulator.requests, []);
    } finally {
      emulator.close();
    }
  });

  it("still sends ids with other characters, encoded", async () => {
    const emulator = createEmulator();
    const client = inference({ apiKey: "test_key_0123456789", fetch: emulator.fetch });
    try {
      await assert.rejects(client.tasks.get("a b?.."), ApiError);
      assert.equal(emulator.requests[0]?.path, "/tasks/a%20b%3F..");
    } finally {
      emulator.close();
    }
  });
});

describe("SessionError (0.6.x's base class name)", () => {
  it("is an instanceof test for every session error and nothing else", async () => {
    const { SessionError, NotFoundError } = await import("../../mod.ts");
    const emulator = createEmulator({ stepMs: 1 });
    const client = inference({ apiKey: "test", fetch: emulator.fetch });
    const error = await client.sessions.get("01j9z3m8k2c9v7b4n6q5r0t1wx").catch((e) => e);
    emulator.close();
    assert.ok(error instanceof SessionError, `got ${error?.constructor?.name}`);
    assert.equal(error.sessionId, "01j9z3m8k2c9v7b4n6q5r0t1wx");
    assert.ok(!(new NotFoundError("no task") instanceof SessionError));
    assert.ok(!(new Error("plain") instanceof SessionError));
  });
});
