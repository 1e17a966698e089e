/**
 * Bun: an HTTP server. `GET /run?prompt=…` runs an app and streams its reply as
 * plain text (hanging up cancels the task); `/api/inference/proxy` serves browser
 * apps that use `inference({ proxyUrl: "/api/inference/proxy" })`.
 *
 *   bunx jsr add @inferencesh/sdk      (this SDK from JSR; from npm: bun add @inferencesh/sdk@^0.7
 *                                      once 0.7 is published there: npm's 0.6.x is the previous SDK)
 *   INFERENCE_API_KEY=inf_... bun run server.ts
 *   curl -N 'http://localhost:3000/run?prompt=Hello'
 */
import process from "node:process";
import { inference, type InferenceClient, statusName, TaskStatusCompleted } from "@inferencesh/sdk";
import { createProxy } from "@inferencesh/sdk/proxy";

const { INFERENCE_API_KEY: apiKey = "", INFERENCE_BASE_URL: baseUrl } = process.env; // no URL: the real API
const client = inference({ apiKey, baseUrl });
const proxy = createProxy({ apiKey, apiBaseUrl: baseUrl });

/** Streams the app's reply to the HTTP client as the tokens arrive. */
function reply(client: InferenceClient, prompt: string): Response {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  const body = new ReadableStream<Uint8Array>({
    async start(out) {
      try {
        const task = await client.tasks.run(
          { app: process.env.INFERENCE_APP ?? "infsh/text-stream", input: { prompt } },
          {
            signal: stop.signal,
            onDelta: (d) => out.enqueue(encoder.encode(d.delta.response ?? "")),
          },
        );
        if (task.status !== TaskStatusCompleted) {
          out.enqueue(encoder.encode(`\n[${statusName(task.status)}] ${task.error ?? ""}`));
        }
        out.close();
      } catch (error) {
        out.error(error);
      }
    },
    cancel: (reason) => stop.abort(reason), // the client hung up: cancel the task too
  });
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
}

// Bun serves the default export (the same object `Bun.serve()` takes).
export default {
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST, // unset: all interfaces
  routes: { "/api/inference/proxy": proxy },
  fetch(request: Request): Response {
    const url = new URL(request.url);
    if (url.pathname !== "/run") return new Response("Not found", { status: 404 });
    return reply(client, url.searchParams.get("prompt") ?? "Hello from Bun");
  },
};
