/**
 * A Vercel Edge Function (Next.js App Router route, `GET /api/run?prompt=…`):
 * runs an app and streams its reply as plain text; hanging up cancels the task.
 *
 *   npx jsr add @inferencesh/sdk      (this SDK from JSR; from npm: npm install @inferencesh/sdk@^0.7
 *                                      once 0.7 is published there: npm's 0.6.x is the previous SDK)
 *   vercel env add INFERENCE_API_KEY        (local: INFERENCE_API_KEY=... in .env.local)
 *   npx next dev   →  curl -N 'http://localhost:3000/api/run?prompt=Hello'
 */
import { inference, statusName, TaskStatusCompleted } from "@inferencesh/sdk";

export const runtime = "edge";

export function GET(request: Request): Response {
  const client = inference({
    apiKey: process.env.INFERENCE_API_KEY,
    baseUrl: process.env.INFERENCE_BASE_URL, // unset: the real API
  });
  const prompt = new URL(request.url).searchParams.get("prompt") ?? "Hello from the edge";
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
