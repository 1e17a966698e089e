import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { errorFromResponse } from "../../src/http/problem.ts";
import {
  ApiError,
  AppMismatchError,
  AuthenticationError,
  BadRequestError,
  InferenceError,
  InternalServerError,
  isSessionError,
  NotFoundError,
  RateLimitError,
  RequirementsNotMetError,
  SessionEndedError,
  SessionExpiredError,
  SessionNotFoundError,
  WorkerLeasedError,
} from "../../mod.ts";

function problem(status: number, code: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: `https://api.inference.sh/errors/${code}`,
    title: "Title",
    status,
    detail: `detail of ${code}`,
    ...extra,
  });
}

describe("errorFromResponse()", () => {
  it("maps statuses to classes, all rooted at InferenceError", () => {
    const cases: [number, new (...args: never[]) => ApiError][] = [
      [400, BadRequestError],
      [401, AuthenticationError],
      [404, NotFoundError],
      [429, RateLimitError],
      [500, InternalServerError],
      [503, InternalServerError],
      [418, ApiError],
    ];
    for (const [status, cls] of cases) {
      const error = errorFromResponse({ action: "do it", status, body: problem(status, "X") });
      assert.ok(error instanceof cls, `${status} → ${error.name}`);
      assert.ok(error instanceof InferenceError);
      assert.equal(error.status, status);
    }
  });

  it("reads code from the last segment of type, title, detail and the raw body", () => {
    const body = problem(404, "TASK_NOT_FOUND");
    const error = errorFromResponse({ action: 'get task "t"', status: 404, body });
    assert.equal(error.code, "TASK_NOT_FOUND");
    assert.equal(error.title, "Title");
    assert.equal(error.detail, "detail of TASK_NOT_FOUND");
    assert.equal(error.body, body);
    assert.equal(
      error.message,
      'Cannot get task "t": detail of TASK_NOT_FOUND (404 TASK_NOT_FOUND)',
    );
  });

  it("prefers the code member over the type", () => {
    const body = problem(400, "OTHER", { code: "invalid_request" });
    assert.equal(errorFromResponse({ action: "x", status: 400, body }).code, "invalid_request");
  });

  it("maps session codes to session errors carrying the session id", () => {
    const cases: [number, string, new (...args: never[]) => ApiError][] = [
      [404, "SESSION_NOT_FOUND", SessionNotFoundError],
      [410, "SESSION_EXPIRED", SessionExpiredError],
      [410, "SESSION_ENDED", SessionEndedError],
      [409, "WORKER_LEASED", WorkerLeasedError],
      [400, "APP_MISMATCH", AppMismatchError],
    ];
    for (const [status, code, cls] of cases) {
      const error = errorFromResponse(
        { action: "run", status, body: problem(status, code) },
        { sessionId: "sess_9" },
      );
      assert.ok(error instanceof cls, code);
      assert.ok(isSessionError(error));
      assert.equal((error as unknown as { sessionId: string }).sessionId, "sess_9");
    }
    assert.ok(errorFromResponse({ action: "x", status: 404, body: "" }) instanceof NotFoundError);
    assert.equal(isSessionError(errorFromResponse({ action: "x", status: 404, body: "" })), false);
  });

  it("keeps 412 requirement errors verbatim", () => {
    const errors = [{
      type: "secret",
      key: "OPENAI_API_KEY",
      message: "Secret OPENAI_API_KEY is required",
      action: { type: "add_secret" },
    }];
    const error = errorFromResponse({
      action: "run app",
      status: 412,
      body: problem(412, "REQUIREMENTS_NOT_MET", { errors }),
    });
    assert.ok(error instanceof RequirementsNotMetError);
    assert.deepEqual((error as RequirementsNotMetError).errors, errors);
    assert.match(error.message, /Secret OPENAI_API_KEY is required/);
  });

  it("survives bodies that are not problems: a bare string, HTML, empty, legacy", () => {
    const bare = errorFromResponse({ action: "x", status: 412, body: '"precondition failed"' });
    assert.ok(bare instanceof ApiError);
    assert.equal(bare instanceof RequirementsNotMetError, false);
    const html = errorFromResponse({ action: "x", status: 502, body: "<html>Bad gateway</html>" });
    assert.ok(html instanceof InternalServerError);
    assert.match(html.message, /Bad gateway/);
    const empty = errorFromResponse({ action: "x", status: 500, body: "" });
    assert.match(empty.message, /Cannot x: the API answered an error \(500\)/);
    const legacy = errorFromResponse({
      action: "x",
      status: 403,
      body: JSON.stringify({ error: { code: "forbidden", message: "No access" } }),
    });
    assert.equal(legacy.code, "forbidden");
    assert.match(legacy.message, /No access/);
  });

  it("gives rate-limit errors the server's wait", () => {
    const error = errorFromResponse({ action: "x", status: 429, body: "", retryAfterMs: 1234 });
    assert.ok(error instanceof RateLimitError);
    assert.equal((error as RateLimitError).retryAfterMs, 1234);
  });
});
