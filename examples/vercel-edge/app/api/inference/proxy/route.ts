/**
 * The proxy for browser code, as a Vercel Edge route (`/api/inference/proxy`):
 * the page calls `inference({ proxyUrl: "/api/inference/proxy" })` and never sees
 * the key. Add an `authorize` check that fits your app's sign-in.
 *
 *   npx jsr add @inferencesh/sdk      (as for ../../run/route.ts)
 */
import { createProxy } from "@inferencesh/sdk/proxy";

export const runtime = "edge";

const proxy = createProxy({
  apiKey: () => process.env.INFERENCE_API_KEY ?? "",
  apiBaseUrl: process.env.INFERENCE_BASE_URL, // unset: the real API
  // authorize: (request) => request.headers.get("cookie")?.includes("session=") ?? false,
});

export { proxy as DELETE, proxy as GET, proxy as POST, proxy as PUT };
