import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  signWebhook,
  verifyWebhookSignature,
  WebhookError,
  WebhookSignatureError,
} from "../../mod.ts";
import { timingSafeEqual } from "../../src/webhooks/timing_safe_equal.ts";

const SECRET = "whsec_test_0123";
const BODY = JSON.stringify({ city: "Paris", n: 1, text: "héllo ✓" });

/** The HMAC-SHA256 of `body` under `secret`, in hex, computed here independently. */
async function hmacHex(body: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function request(body: string, signature?: string, header = "x-webhook-signature"): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== undefined) headers[header] = signature;
  return new Request("https://example.com/hook", { method: "POST", headers, body });
}

async function refusal(promise: Promise<unknown>): Promise<WebhookError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof WebhookError, `expected a WebhookError, got ${String(error)}`);
  return error;
}

describe("verifyWebhookSignature()", () => {
  it("accepts the HMAC-SHA256 of the raw body and returns the body parsed", async () => {
    const signature = `sha256=${await hmacHex(BODY, SECRET)}`;
    assert.equal(await signWebhook(BODY, SECRET), signature);
    const parsed = await verifyWebhookSignature(request(BODY, signature), SECRET);
    assert.deepEqual(parsed, JSON.parse(BODY));
  });

  it("accepts upper-case hex, bytes as the secret and another header name", async () => {
    const hex = await hmacHex(BODY, SECRET);
    const parsed = await verifyWebhookSignature(
      request(BODY, `sha256=${hex.toUpperCase()}`, "x-signature"),
      new TextEncoder().encode(SECRET),
      { header: "X-Signature" },
    );
    assert.deepEqual(parsed, JSON.parse(BODY));
  });

  it("reads the body once: the request is consumed", async () => {
    const req = request(BODY, await signWebhook(BODY, SECRET));
    await verifyWebhookSignature(req, SECRET);
    assert.equal(req.bodyUsed, true);
  });

  it("refuses a tampered body", async () => {
    const signature = await signWebhook(BODY, SECRET);
    const tampered = BODY.replace("Paris", "Pariz");
    const error = await refusal(verifyWebhookSignature(request(tampered, signature), SECRET));
    assert.ok(error instanceof WebhookSignatureError);
    assert.equal(error.reason, "wrong_signature");
  });

  it("refuses a signature made with another secret", async () => {
    const signature = await signWebhook(BODY, "another-secret");
    const error = await refusal(verifyWebhookSignature(request(BODY, signature), SECRET));
    assert.equal(error.reason, "wrong_signature");
    assert.match(error.message, /does not match/);
  });

  it("refuses a request without the header", async () => {
    const error = await refusal(verifyWebhookSignature(request(BODY), SECRET));
    assert.ok(error instanceof WebhookSignatureError);
    assert.equal(error.reason, "missing_signature");
    assert.match(error.message, /x-webhook-signature/);
  });

  it("refuses malformed signatures without comparing", async () => {
    const hex = await hmacHex(BODY, SECRET);
    for (
      const bad of [hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}00`, "sha256=zz"]
    ) {
      const error = await refusal(verifyWebhookSignature(request(BODY, bad), SECRET));
      assert.equal(error.reason, "malformed_signature", bad);
    }
  });

  it("refuses a correctly signed body that is not JSON, as invalid_body", async () => {
    const body = "not json";
    const error = await refusal(
      verifyWebhookSignature(request(body, await signWebhook(body, SECRET)), SECRET),
    );
    assert.ok(!(error instanceof WebhookSignatureError));
    assert.equal(error.reason, "invalid_body");
  });

  it("throws a TypeError for an empty secret", async () => {
    await assert.rejects(verifyWebhookSignature(request(BODY, "sha256=00"), ""), TypeError);
  });
});

describe("timingSafeEqual()", () => {
  /** Bytes that count how many of their positions were read. */
  function counted(bytes: number[]): { view: ArrayLike<number>; reads: () => number } {
    let reads = 0;
    const view = new Proxy(bytes, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    return { view, reads: () => reads };
  }

  it("tells equal from different bytes", () => {
    assert.equal(timingSafeEqual([1, 2, 3], [1, 2, 3]), true);
    assert.equal(timingSafeEqual([1, 2, 3], [1, 2, 4]), false);
    assert.equal(timingSafeEqual([1, 2, 3], [1, 2]), false);
  });

  it("reads every byte even when the first one differs", () => {
    const a = counted(Array.from({ length: 32 }, (_, i) => i));
    const b = counted(Array.from({ length: 32 }, (_, i) => (i === 0 ? 255 : i)));
    assert.equal(timingSafeEqual(a.view, b.view), false);
    assert.equal(a.reads(), 32);
    assert.equal(b.reads(), 32);
  });
});
