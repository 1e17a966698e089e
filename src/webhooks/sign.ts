/**
 * HMAC-SHA256 signatures of webhook bodies, as `sha256=<hex>`.
 *
 * @module
 */

const encoder = new TextEncoder();

/** WebCrypto's `subtle`, looked up at call time (Node 18 has no global `crypto`). */
export function subtleCrypto(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new TypeError(
      "Cannot sign or verify a webhook: this runtime has no WebCrypto (globalThis.crypto.subtle)",
    );
  }
  return subtle;
}

/** An HMAC-SHA256 key made from `secret`'s UTF-8 bytes (or the bytes themselves). */
export function hmacKey(secret: string | Uint8Array, usage: "sign" | "verify"): Promise<CryptoKey> {
  if (typeof secret === "string" ? secret === "" : secret.byteLength === 0) {
    throw new TypeError("Cannot sign or verify a webhook: the secret is empty");
  }
  const bytes = typeof secret === "string" ? encoder.encode(secret) : secret;
  return subtleCrypto().importKey(
    "raw",
    bytes as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The `X-Webhook-Signature` value of `body` under `secret`:
 * `sha256=<lower-case hex HMAC-SHA256 of the raw body>`. Sign the exact bytes
 * you send.
 *
 * @example Sign a body, as the API does for a webhook tool with a secret
 * ```ts
 * import { signWebhook, verifyWebhookSignature } from "@inferencesh/sdk";
 *
 * const body = JSON.stringify({ msg: "hi" });
 * const request = new Request("https://example.com/hook", {
 *   method: "POST",
 *   headers: { "x-webhook-signature": await signWebhook(body, "s3cret") },
 *   body,
 * });
 * console.log(await verifyWebhookSignature(request, "s3cret")); // { msg: "hi" }
 * ```
 *
 * @param body The raw body, as text (UTF-8) or bytes.
 * @param secret The shared secret, as text (UTF-8) or bytes.
 * @returns `"sha256=" + 64 hex digits`.
 * @throws {TypeError} When the secret is empty or the runtime lacks WebCrypto.
 */
export async function signWebhook(
  body: string | Uint8Array,
  secret: string | Uint8Array,
): Promise<string> {
  const key = await hmacKey(secret, "sign");
  const data = typeof body === "string" ? encoder.encode(body) : body;
  const mac = await subtleCrypto().sign("HMAC", key, data as Uint8Array<ArrayBuffer>);
  return `sha256=${toHex(new Uint8Array(mac))}`;
}
