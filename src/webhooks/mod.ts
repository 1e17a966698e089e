/**
 * Webhook helpers: read a task webhook ({@linkcode parseTaskWebhook}) and
 * verify signed webhook-tool calls ({@linkcode verifyWebhookSignature}).
 *
 * @module
 */

export { WebhookError, type WebhookErrorReason, WebhookSignatureError } from "./errors.ts";
export { parseTaskWebhook, type ParseTaskWebhookOptions, type TaskReader } from "./parse.ts";
export { signWebhook } from "./sign.ts";
export { type VerifyWebhookOptions, verifyWebhookSignature } from "./verify.ts";
