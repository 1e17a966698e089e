/**
 * Verification of signed webhook calls (`X-Webhook-Signature: sha256=<hex>`).
 *
 * @module
 */

import { WebhookError, WebhookSignatureError } from "./errors.ts";
import { hmacKey, subtleCrypto } from "./sign.ts";
import { timingSafeEqual } from "./timing_safe_equal.ts";

/**
 * Options of {@linkcode verifyWebhookSignature}.
 *
 * @example
 * ```ts
 * import type { VerifyWebhookOptions } from "@inferencesh/sdk/types";
 * const options: VerifyWebhookOptions = { header: "x-webhook-signature" };
 * ```
 */
export interface VerifyWebhookOptions {
  /**
   * The header that carries the signature.
   * @default {"x-webhook-signature"}
   */
  header?: string | undefined;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks that a webhook call was signed with `secret`, and returns its body
 * parsed as JSON. The API signs the calls of a webhook tool that has a secret
 * (`webhookTool(…).secret(…)`) with `X-Webhook-Signature: sha256=<hex
 * HMAC-SHA256 of the raw body>`; this reads the body once, computes the HMAC
 * over its exact bytes with WebCrypto, and compares in constant time.
 *
 * @example In a Worker, Deno or Bun server
 * ```ts
 * import { signWebhook, verifyWebhookSignature, WebhookError } from "@inferencesh/sdk";
 *
 * async function handle(request: Request): Promise<Response> {
 *   try {
 *     const args = await verifyWebhookSignature(request, "s3cret");
 *     return Response.json({ received: args });
 *   } catch (error) {
 *     if (error instanceof WebhookError) return new Response(error.message, { status: 401 });
 *     throw error;
 *   }
 * }
 *
 * const body = '{"msg":"hi"}';
 * const signed = new Request("https://example.com/hook", {
 *   method: "POST",
 *   headers: { "x-webhook-signature": await signWebhook(body, "s3cret") },
 *   body,
 * });
 * console.log((await handle(signed)).status); // 200
 * const forged = new Request("https://example.com/hook", {
 *   method: "POST",
 *   headers: { "x-webhook-signature": await signWebhook(body, "guess") },
 *   body,
 * });
 * console.log((await handle(forged)).status); // 401
 * ```
 *
 * @param request The incoming request; its body is consumed.
 * @param secret The secret's value (the one named in `.secret(…)`), text or bytes.
 * @param options Which header to read.
 * @returns The body parsed as JSON (`undefined` for an empty body).
 * @throws {WebhookSignatureError} When the signature is missing (`"missing_signature"`),
 * not `sha256=` and 64 hex digits (`"malformed_signature"`) or does not match
 * (`"wrong_signature"`).
 * @throws {WebhookError} When a correctly signed body is not JSON (`"invalid_body"`).
 * @throws {TypeError} When the secret is empty or the runtime lacks WebCrypto.
 */
export async function verifyWebhookSignature<T = unknown>(
  request: Request,
  secret: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): Promise<T> {
  const header = options.header ?? "x-webhook-signature";
  // Key first: an empty secret is the caller's bug, whatever was sent.
  const key = await hmacKey(secret, "sign");
  const value = request.headers.get(header);
  // The body is read in every case, so a refused request costs the same.
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (value === null || value.trim() === "") {
    throw new WebhookSignatureError(
      `Cannot verify webhook: the request has no ${header} header`,
      "missing_signature",
    );
  }
  const match = SIGNATURE.exec(value.trim());
  if (!match) {
    throw new WebhookSignatureError(
      `Cannot verify webhook: ${header} must be "sha256=" followed by 64 hex digits`,
      "malformed_signature",
    );
  }
  const expected = new Uint8Array(await subtleCrypto().sign("HMAC", key, bytes));
  if (!timingSafeEqual(expected, fromHex(match[1]!))) {
    throw new WebhookSignatureError(
      `Cannot verify webhook: ${header} does not match the body (wrong secret, or the body was changed)`,
      "wrong_signature",
    );
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new WebhookError(
      "Cannot read webhook: the signed body is not JSON",
      "invalid_body",
      { cause: error, body: text.slice(0, 200) },
    );
  }
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
