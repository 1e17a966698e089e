/**
 * A proxy for browser apps: a web-standard `(Request) => Promise<Response>`
 * handler that keeps the inference.sh API key on the server. Mount it as a
 * Worker's `fetch`, in `Deno.serve`, `Bun.serve`, or a Vercel Edge / Next.js
 * route, and point the browser's client at it with `inference({ proxyUrl })`.
 *
 * It speaks the official SDK's convention (`x-inf-target-url` header,
 * `__inf_target` query parameter on GET), so both clients work with it. It is a
 * policy, not a pipe: it forwards only the calls a browser app needs
 * ({@linkcode PROXY_ENDPOINTS}), for the apps and agents in `allowedEndpoints`,
 * from its own origin, to the configured API origin only; it streams answers
 * through unbuffered with the key redacted, and relays no cookies or
 * `Authorization` unless told to.
 *
 * @example A Next.js / Vercel Edge route (`app/api/inference/proxy/route.ts`)
 * ```ts ignore
 * import { createProxy } from "@inferencesh/sdk/proxy";
 *
 * export const runtime = "edge";
 * // The key comes from INFERENCE_API_KEY; only these apps and agents may be used.
 * const proxy = createProxy({ allowedEndpoints: ["my-team/*"] });
 * export { proxy as DELETE, proxy as GET, proxy as POST, proxy as PUT };
 * ```
 *
 * @module
 */

export { createProxy, type ProxyHandler, type ProxyOptions } from "./proxy.ts";
export { PROXY_ENDPOINTS, type ProxyEndpoint } from "./policy.ts";
export type { FetchLike } from "../http/config.ts";
