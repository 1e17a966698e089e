import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  backoffDelay,
  isConnectionRefused,
  isRetryableStatus,
  parseRetryAfter,
} from "../../src/http/retry.ts";

describe("isRetryableStatus()", () => {
  it("retries idempotent calls on 408, 429 and every 5xx", () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599]) {
      assert.equal(isRetryableStatus(status, "idempotent"), true, String(status));
    }
    for (const status of [400, 401, 403, 404, 409, 412, 422]) {
      assert.equal(isRetryableStatus(status, "idempotent"), false, String(status));
    }
  });

  it("retries creating calls only on 429 and 503, where nothing was created", () => {
    assert.equal(isRetryableStatus(429, "create"), true);
    assert.equal(isRetryableStatus(503, "create"), true);
    for (const status of [408, 500, 502, 504]) {
      assert.equal(isRetryableStatus(status, "create"), false, String(status));
    }
  });
});

describe("backoffDelay()", () => {
  it("doubles from the base, caps at 8 s and jitters down by at most a quarter", () => {
    assert.equal(backoffDelay(0, () => 0), 500);
    assert.equal(backoffDelay(1, () => 0), 1000);
    assert.equal(backoffDelay(2, () => 0), 2000);
    assert.equal(backoffDelay(10, () => 0), 8000);
    assert.equal(backoffDelay(0, () => 1), 375);
    assert.equal(backoffDelay(0, () => 0, 1000), 1000);
    assert.equal(backoffDelay(3, () => 0, 0), 0);
  });
});

describe("parseRetryAfter()", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads seconds", () => {
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "2" }), now), 2000);
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "0" }), now), 0);
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "1.5" }), now), 1500);
  });
  it("reads an HTTP date relative to now, never negative", () => {
    const headers = new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" });
    assert.equal(parseRetryAfter(headers, now), 3000);
    const past = new Headers({ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" });
    assert.equal(parseRetryAfter(past, now), 0);
  });
  it("prefers retry-after-ms", () => {
    const headers = new Headers({ "retry-after-ms": "250", "retry-after": "9" });
    assert.equal(parseRetryAfter(headers, now), 250);
  });
  it("ignores absent and unreadable values", () => {
    assert.equal(parseRetryAfter(new Headers(), now), undefined);
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "soon" }), now), undefined);
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "-3" }), now), undefined);
  });
});

describe("isConnectionRefused()", () => {
  it("recognises each runtime's way of saying it", () => {
    const node = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
        code: "ECONNREFUSED",
      }),
    });
    const bun = Object.assign(new Error("Unable to connect"), { code: "ConnectionRefused" });
    const deno = new TypeError(
      "error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)",
    );
    assert.equal(isConnectionRefused(node), true);
    assert.equal(isConnectionRefused(bun), true);
    assert.equal(isConnectionRefused(deno), true);
  });
  it("does not mistake a lost response for a refusal", () => {
    const lost = new TypeError("fetch failed", {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    assert.equal(isConnectionRefused(lost), false);
    assert.equal(isConnectionRefused(new DOMException("timed out", "TimeoutError")), false);
    assert.equal(isConnectionRefused(undefined), false);
  });
});
