/**
 * A proxy for browser apps: a web-standard `(Request) => Promise<Response>`
 * handler that keeps the inference.sh API key on the server. Mount it as a
 * Worker's `fetch`, in `Deno.serve`, `Bun.serve`, or a Vercel Edge / Next.js
 * route, and point the browser's client at it with `inference({ proxyUrl })`.
 *
 * It speaks the official SDK's convention (`x-inf-target-url` header,
 * `__inf_target` query parameter), so both clients work with it, but relays
 * only to the configured API origin, streams answers through unbuffered, and
 * relays no cookies or `Authorization` unless told to.
 *
 * @example A Next.js / Vercel Edge route (`app/api/inference/proxy/route.ts`)
 * ```ts ignore
 * import { createProxy } from "@inferencesh/sdk/proxy";
 *
 * export const runtime = "edge";
 * const proxy = createProxy({ apiKey: "inf_..." }); // e.g. process.env.INFERENCE_API_KEY
 * export { proxy as DELETE, proxy as GET, proxy as POST, proxy as PUT };
 * ```
 *
 * @module
 */

export { createProxy, type ProxyHandler, type ProxyOptions } from "./proxy.ts";
export type { FetchLike } from "../http/config.ts";
