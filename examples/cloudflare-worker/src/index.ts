/**
 * A Cloudflare Worker. `GET /run?prompt=…` runs an app and streams its reply as
 * plain text (hanging up cancels the task); `/api/inference/proxy` serves browser
 * apps that use `inference({ proxyUrl: "/api/inference/proxy" })`.
 *
 *   npx jsr add @inferencesh/sdk      (this SDK from JSR; from npm: npm install @inferencesh/sdk@^0.7
 *                                      once 0.7 is published there: npm's 0.6.x is the previous SDK)
 *   npx wrangler secret put INFERENCE_API_KEY   (local dev: put it in .dev.vars)
 *   npx wrangler dev                            (then: npx wrangler deploy)
 *
 * No compatibility flags are needed: the SDK uses web standards only.
 */
import { inference, statusName, TaskStatusCompleted } from "@inferencesh/sdk";
import { createProxy } from "@inferencesh/sdk/proxy";

/** The Worker's bindings (wrangler.toml `[vars]` and secrets). */
export interface Env {
  INFERENCE_API_KEY: string;
  INFERENCE_APP?: string;
  /** Unset: the real API. */
  INFERENCE_BASE_URL?: string;
}

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/api/inference/proxy") {
      return createProxy({ apiKey: env.INFERENCE_API_KEY, apiBaseUrl: env.INFERENCE_BASE_URL })(
        request,
      );
    }
    if (url.pathname !== "/run") return new Response("Not found", { status: 404 });

    const client = inference({ apiKey: env.INFERENCE_API_KEY, baseUrl: env.INFERENCE_BASE_URL });
    const prompt = url.searchParams.get("prompt") ?? "Hello from a Worker";
    const encoder = new TextEncoder();
    const stop = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      async start(out) {
        try {
          const task = await client.tasks.run(
            { app: env.INFERENCE_APP ?? "infsh/text-stream", input: { prompt } },
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
  },
};
