/// <reference lib="deno.ns" />
/**
 * The client side of the follow benchmarks, one fresh process per measurement
 * (started by `bench/follow.ts`): the SDK ("ours") and the floor, a follower
 * with nothing but `fetch`, `TextDecoderStream`, an `indexOf` line split and
 * `JSON.parse`. Prints one JSON report.
 *
 * Usage: `follow_client.ts single <updates|deltas> <n> <runs> <base>`,
 * `follow_client.ts concurrent <ours|floor> <count> <base>`,
 * `follow_client.ts polling <count> <intervalMs> <durationMs> <base>`.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import process from "node:process";
import { inference } from "../mod.ts";

const KEY = "inf_bench_key_0123456789";
const HEADERS = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };

/** The floor: create, then read the stream with the least code that works. */
async function floor(base: string, kind: string, n: number): Promise<number> {
  const created = await fetch(`${base}/apps/run`, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify({ app: "bench/app", input: { kind, n } }),
  });
  const { data } = await created.json();
  const response = await fetch(`${base}/tasks/${data.id}/stream`, {
    headers: { authorization: HEADERS.authorization, accept: "application/x-ndjson" },
  });
  const reader = response.body!
    .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
    .getReader();
  let rest = "";
  let values = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = rest + value;
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      if (end > start) {
        JSON.parse(text.slice(start, end));
        values++;
      }
      start = end + 1;
    }
    rest = text.slice(start);
  }
  return values;
}

let sdk: ReturnType<typeof inference> | undefined;

/** Ours: `tasks.run` with both callbacks, as a user would follow (one client for all runs). */
async function ours(base: string, kind: string, n: number): Promise<number> {
  const client = sdk ??= inference({ apiKey: KEY, baseUrl: base });
  let values = 0;
  await client.tasks.run({ app: "bench/app", input: { kind, n } }, {
    onUpdate: () => values++,
    onDelta: () => values++,
  });
  return values;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function single(kind: string, n: number, runs: number, base: string): Promise<unknown> {
  // Warm-up both (JIT, connection pool, the server's prepared body).
  for (let run = 0; run < 3; run++) {
    await floor(base, kind, n);
    await ours(base, kind, n);
  }
  const times: Record<"ours" | "floor", number[]> = { ours: [], floor: [] };
  for (let run = 0; run < runs; run++) {
    // Interleaved, alternating which goes first, so drift hits both alike.
    const order = run % 2 ? ["floor", "ours"] as const : ["ours", "floor"] as const;
    for (const who of order) {
      const started = performance.now();
      await (who === "ours" ? ours : floor)(base, kind, n);
      times[who].push(performance.now() - started);
    }
  }
  return { ours: median(times.ours), floor: median(times.floor) };
}

async function concurrent(who: string, count: number, base: string): Promise<unknown> {
  const follow = who === "ours" ? ours : floor;
  const expected = await follow(base, "live", 0); // warm-up
  const lags: number[] = [];
  let due = performance.now() + 10;
  const lagTimer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - due));
    due = now + 10;
  }, 10);
  const start = Deno.memoryUsage();
  const baseline = start.rss;
  let peak = baseline;
  let heapPeak = start.heapTotal;
  let externalPeak = start.external;
  const sample = (): void => {
    const m = Deno.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapTotal);
    externalPeak = Math.max(externalPeak, m.external);
  };
  const memoryTimer = setInterval(sample, 50);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: count }, () => follow(base, "live", 0)));
  const wall = performance.now() - started;
  // Every follower must have seen the whole task, as the warm-up did.
  const short = counts.filter((values) => values !== expected).length;
  if (short > 0) throw new Error(`${short} of ${count} ${who} followers missed values`);
  const used = process.cpuUsage(cpu);
  clearInterval(lagTimer);
  clearInterval(memoryTimer);
  sample();
  return {
    heapPerTask: (heapPeak - start.heapTotal) / count,
    externalPerTask: (externalPeak - start.external) / count,
    wall,
    cpu: (used.user + used.system) / 1000,
    rssPerTask: (peak - baseline) / count,
    lagMedian: median(lags),
    lagP99: [...lags].sort((a, b) => a - b)[Math.floor(lags.length * 0.99)] ?? 0,
  };
}

async function polling(
  count: number,
  intervalMs: number,
  durationMs: number,
  base: string,
): Promise<unknown> {
  const client = inference({ apiKey: KEY, baseUrl: base, stream: false });
  const started = performance.now() + performance.timeOrigin;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        client.tasks.run({ app: "bench/app", input: { kind: "poll", n: durationMs } }, {
          pollIntervalMs: intervalMs,
        }),
    ),
  );
  const response = await fetch(`${base}/__status_times`);
  const { data } = await response.json();
  return { started, times: data };
}

const [mode, ...args] = Deno.args;
let report: unknown;
if (mode === "single") report = await single(args[0]!, Number(args[1]), Number(args[2]), args[3]!);
else if (mode === "concurrent") report = await concurrent(args[0]!, Number(args[1]), args[2]!);
else if (mode === "polling") {
  report = await polling(Number(args[0]), Number(args[1]), Number(args[2]), args[3]!);
} else throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify(report));
