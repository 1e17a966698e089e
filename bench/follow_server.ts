/// <reference lib="deno.ns" />
/**
 * The server of the follow benchmarks, in its own process so that its work is
 * not counted: tasks whose stream is a prepared body (N updates, or N deltas),
 * live tasks that change every 100 ms, and polled tasks that end after a while;
 * it records when each `GET /tasks/{id}/status` arrived.
 *
 * Started by `bench/follow.ts` as `deno run --allow-net=127.0.0.1 bench/follow_server.ts`;
 * prints `listening <port>`.
 *
 * @module
 */

// deno-lint-ignore-file no-console

const encoder = new TextEncoder();
const CHUNK = 64 * 1024;

interface TaskSpec {
  kind: "updates" | "deltas" | "live" | "poll";
  n: number;
  created: number;
}

const tasks = new Map<string, TaskSpec>();
const bodies = new Map<string, Uint8Array[]>();
let statusTimes: number[] = [];
let next = 0;

function envelope(data: unknown): Response {
  return new Response(JSON.stringify({ success: true, data }), {
    headers: { "content-type": "application/json" },
  });
}

function snapshot(id: string, status: number): Record<string, unknown> {
  return {
    id,
    status,
    app: "bench/app",
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    input: { prompt: "bench" },
    output: status === 10 ? { text: "done" } : null,
  };
}

/** The prepared body of a task with `n` updates or `n` deltas, cut in 64 KiB chunks. */
function prepared(kind: "updates" | "deltas", n: number): Uint8Array[] {
  const key = `${kind}:${n}`;
  const known = bodies.get(key);
  if (known) return known;
  const id = "bench";
  const lines: string[] = [JSON.stringify({ data: snapshot(id, 7), fields: ["status"] })];
  for (let i = 1; i <= n; i++) {
    lines.push(
      kind === "updates"
        ? JSON.stringify({
          data: { id, status: 7, progress: i / n, "updated_at": `2026-01-01T00:00:${i}Z` },
          fields: ["progress", "updated_at"],
        })
        : JSON.stringify({ event: "delta", data: { delta: { response: "tok " }, seq: i } }),
    );
    if (i % 5_000 === 0) lines.push(`{"type":"heartbeat"}`);
  }
  lines.push(JSON.stringify({ data: snapshot(id, 10), fields: ["status", "output"] }));
  const bytes = encoder.encode(`${lines.join("\n")}\n`);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  bodies.set(key, chunks);
  return chunks;
}

/** A live task: 20 updates 100 ms apart, each with 5 deltas, then the end. */
function live(id: string): ReadableStream<Uint8Array> {
  let step = 0;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        encoder.encode(`${JSON.stringify({ data: snapshot(id, 7), fields: ["status"] })}\n`),
      );
      const tick = (): void => {
        step++;
        const lines: string[] = [];
        for (let d = 0; d < 5; d++) {
          seq++;
          lines.push(
            JSON.stringify({ event: "delta", data: { delta: { response: "tok " }, seq } }),
          );
        }
        lines.push(JSON.stringify({
          data: { id, status: step < 20 ? 7 : 10, progress: step / 20 },
          fields: ["status", "progress"],
        }));
        controller.enqueue(encoder.encode(`${lines.join("\n")}\n`));
        if (step < 20) timer = setTimeout(tick, 100);
        else controller.close();
      };
      timer = setTimeout(tick, 100);
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}

function status(spec: TaskSpec): number {
  if (spec.kind !== "poll") return 10;
  return Date.now() - spec.created >= spec.n ? 10 : 7;
}

const server = Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(`listening ${port}`),
}, async (request) => {
  const url = new URL(request.url);
  const path = url.pathname;
  if (request.method === "POST" && path === "/apps/run") {
    const body = await request.json();
    const id = `t${++next}`;
    tasks.set(id, { kind: body.input.kind, n: body.input.n, created: Date.now() });
    return envelope(snapshot(id, 1));
  }
  if (path === "/__status_times") {
    const times = statusTimes;
    statusTimes = [];
    return envelope(times);
  }
  const match = /^\/tasks\/([^/]+)(\/stream|\/status)?$/.exec(path);
  const spec = match ? tasks.get(match[1]!) : undefined;
  if (!match || !spec) return new Response("not found", { status: 404 });
  const id = match[1]!;
  if (match[2] === "/status") {
    statusTimes.push(performance.now() + performance.timeOrigin);
    return envelope({ status: status(spec) });
  }
  if (match[2] === "/stream") {
    const headers = { "content-type": "application/x-ndjson" };
    if (spec.kind === "live") return new Response(live(id), { headers });
    const chunks = prepared(spec.kind as "updates" | "deltas", spec.n);
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (index < chunks.length) controller.enqueue(chunks[index++]!);
        else controller.close();
      },
    });
    return new Response(body, { headers });
  }
  return envelope(snapshot(id, status(spec)));
});

await server.finished;
