/**
 * Errors of the webhook helpers.
 *
 * @module
 */

import { InferenceError, type InferenceErrorOptions } from "../errors.ts";

/**
 * Why a webhook request was refused: its signature header is absent
 * (`"missing_signature"`), not `sha256=<64 hex digits>` (`"malformed_signature"`)
 * or does not match the body (`"wrong_signature"`); its body is not JSON
 * (`"invalid_body"`), names no task (`"missing_task_id"`) or a task the API does
 * not know (`"unknown_task"`).
 *
 * @example
 * ```ts
 * import type { WebhookErrorReason } from "@inferencesh/sdk/types";
 * const reason: WebhookErrorReason = "wrong_signature";
 * ```
 */
export type WebhookErrorReason =
  | "missing_signature"
  | "malformed_signature"
  | "wrong_signature"
  | "invalid_body"
  | "missing_task_id"
  | "unknown_task";

/**
 * A webhook request could not be trusted or read; `reason` says why. Answer
 * it with a 4xx (401 for the signature reasons, 400 or 404 for the others).
 *
 * @example
 * ```ts
 * import { verifyWebhookSignature, WebhookError } from "@inferencesh/sdk";
 *
 * const request = new Request("https://example.com/hook", { method: "POST", body: "{}" });
 * try {
 *   await verifyWebhookSignature(request, "s3cret");
 * } catch (error) {
 *   if (error instanceof WebhookError) console.log(error.reason); // "missing_signature"
 * }
 * ```
 */
export class WebhookError extends InferenceError {
  /** Why the request was refused. */
  readonly reason: WebhookErrorReason;

  /** Creates the error. */
  constructor(message: string, reason: WebhookErrorReason, options: InferenceErrorOptions = {}) {
    super(message, { code: reason, ...options });
    this.name = "WebhookError";
    this.reason = reason;
  }
}

/**
 * A signed webhook's `X-Webhook-Signature` is missing, malformed or wrong
 * (`reason` says which). Answer it with a 401.
 *
 * @example
 * ```ts
 * import { verifyWebhookSignature, WebhookSignatureError } from "@inferencesh/sdk";
 *
 * const request = new Request("https://example.com/hook", {
 *   method: "POST",
 *   headers: { "x-webhook-signature": "sha256=00" },
 *   body: "{}",
 * });
 * try {
 *   await verifyWebhookSignature(request, "s3cret");
 * } catch (error) {
 *   if (error instanceof WebhookSignatureError) console.log(error.reason); // "malformed_signature"
 * }
 * ```
 */
export class WebhookSignatureError extends WebhookError {
  /** Creates the error. */
  constructor(
    message: string,
    reason: "missing_signature" | "malformed_signature" | "wrong_signature",
    options: InferenceErrorOptions = {},
  ) {
    super(message, reason, options);
    this.name = "WebhookSignatureError";
  }
}
