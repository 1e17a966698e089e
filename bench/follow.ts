/// <reference lib="deno.ns" />
/**
 * Following tasks, ours next to the floor (`fetch` + `TextDecoderStream` + an
 * `indexOf` line split + `JSON.parse`, nothing else), in one run: one task with
 * 10k updates and one with 100k deltas (median time of 15 interleaved runs,
 * ours ÷ floor); 1,000 concurrent streamed tasks (wall, CPU, peak RSS per task
 * with its V8 heap and buffer parts, event-loop lag; the median of 3 rounds
 * that alternate which goes first); 1,000 polled tasks (the busiest 100 ms ÷
 * the configured rate, median of the rounds). The server runs in its own process
 * (`bench/follow_server.ts`), each measurement in a fresh client process
 * (`bench/follow_client.ts`).
 *
 * @module
 */

import type { BenchRow } from "./table.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const TASKS = 1_000;
/** Rounds of the concurrent measurement (each a fresh process for ours and for the floor). */
const ROUNDS = 3;
/** Timed runs of each one-task measurement. */
const RUNS = 15;

/**
 * Runs the follow benchmarks and returns one row per measurement.
 *
 * @example Print the follow benchmarks
 * ```ts ignore
 * printTable("Following tasks", await benchFollow());
 * ```
 *
 * @returns Ratios to the floor and the targets, met or missed.
 */
export async function benchFollow(): Promise<BenchRow[]> {
  const server = await startServer();
  try {
    const rows: BenchRow[] = [];
    for (const [kind, n] of [["updates", 10_000], ["deltas", 100_000]] as const) {
      const { ours, floor } = await client<{ ours: number; floor: number }>(
        ["single", kind, String(n), String(RUNS), server.base],
      );
      const ratio = ours / floor;
      rows.push({
        name: `one task, ${n / 1000}k ${kind}: ours ÷ floor`,
        value: `${ratio.toFixed(2)}×`,
        note: `ours ${ours.toFixed(0)} ms, floor ${floor.toFixed(0)} ms; target ≤ 1.3×: ${
          ratio <= 1.3 ? "met" : "MISSED"
        }`,
      });
    }
    // Rounds alternate which goes first; each value is the median of its rounds.
    const runs: Record<"ours" | "floor", Concurrent[]> = { ours: [], floor: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const who of round % 2 ? ["ours", "floor"] as const : ["floor", "ours"] as const) {
        runs[who].push(await client<Concurrent>(["concurrent", who, String(TASKS), server.base]));
      }
    }
    const ours = medians(runs.ours);
    const floor = medians(runs.floor);
    for (const [who, c] of [["ours", ours], ["floor", floor]] as const) {
      rows.push({
        name: `${TASKS} concurrent streamed tasks, ${who}`,
        value: `lag median ${c.lagMedian.toFixed(1)} ms`,
        note: `wall ${(c.wall / 1000).toFixed(2)} s, CPU ${(c.cpu / 1000).toFixed(2)} s, peak RSS ${
          kib(c.rssPerTask)
        } per task (V8 heap ${kib(c.heapPerTask)}, buffers ${kib(c.externalPerTask)}), lag p99 ${
          c.lagP99.toFixed(1)
        } ms`,
      });
    }
    const memory = ours.rssPerTask / floor.rssPerTask;
    rows.push({
      name: `${TASKS} concurrent streamed tasks: ours ÷ floor`,
      value: `CPU ${(ours.cpu / floor.cpu).toFixed(2)}×, RSS ${memory.toFixed(2)}×`,
      note: `medians of ${ROUNDS} rounds each (RSS per round ${
        runs.ours.map((o, i) => (o.rssPerTask / runs.floor[i]!.rssPerTask).toFixed(2)).join(", ")
      }); targets: lag median < 20 ms: ${
        ours.lagMedian < 20 ? "met" : "MISSED"
      }; RSS per task ≤ 1.2× floor: ${memory <= 1.2 ? "met" : "MISSED"}`,
    });
    const intervalMs = 1_000;
    const polled = await client<{ started: number; times: number[] }>(
      ["polling", String(TASKS), String(intervalMs), "8000", server.base],
    );
    const rounds = busiestPerRound(polled.times, intervalMs, TASKS * 100 / intervalMs);
    const busiest = median(rounds);
    rows.push({
      name: `${TASKS} polled tasks (pollIntervalMs ${intervalMs}): busiest 100 ms ÷ rate`,
      value: `${busiest.toFixed(2)}×`,
      note: `median of ${rounds.length} rounds (${
        rounds.map((r) => r.toFixed(2)).join(", ")
      }); ${polled.times.length} status polls; target ≤ 2×: ${busiest <= 2 ? "met" : "MISSED"}`,
    });
    return rows;
  } finally {
    server.stop();
  }
}

/** One `concurrent` measurement; the memory is the peak during the run less the baseline before it. */
interface Concurrent {
  wall: number;
  cpu: number;
  rssPerTask: number;
  heapPerTask: number;
  externalPerTask: number;
  lagMedian: number;
  lagP99: number;
}

/** The median of each value over the rounds. */
function medians(rounds: Concurrent[]): Concurrent {
  const of = (key: keyof Concurrent): number => median(rounds.map((r) => r[key]));
  return {
    wall: of("wall"),
    cpu: of("cpu"),
    rssPerTask: of("rssPerTask"),
    heapPerTask: of("heapPerTask"),
    externalPerTask: of("externalPerTask"),
    lagMedian: of("lagMedian"),
    lagP99: of("lagP99"),
  };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/**
 * Cuts the poll times into rounds of one interval (the last, partial one
 * left out) and returns, per round, its busiest 100 ms ÷ the expected count.
 */
function busiestPerRound(times: number[], intervalMs: number, expected: number): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const first = sorted[0]!;
  const last = sorted.at(-1)!;
  const ratios: number[] = [];
  for (let start = first; start + intervalMs <= last; start += intervalMs) {
    const round = sorted.filter((t) => t >= start && t < start + intervalMs);
    let most = 0;
    let j = 0;
    for (let i = 0; i < round.length; i++) {
      while (round[i]! - round[j]! >= 100) j++;
      most = Math.max(most, i - j + 1);
    }
    ratios.push(most / expected);
  }
  return ratios;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function client<T>(args: string[]): Promise<T> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", `${ROOT}bench/follow_client.ts`, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`follow_client ${args.join(" ")} failed`);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  return JSON.parse(lines.at(-1)!) as T;
}

async function startServer(): Promise<{ base: string; stop: () => void }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", `${ROOT}bench/follow_server.ts`],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the follow server exited");
    text += value;
  }
  reader.releaseLock();
  const port = /listening (\d+)/.exec(text)?.[1];
  if (port === undefined) throw new Error(`the follow server said ${text}`);
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () => {
      child.kill();
      child.stdout.cancel().catch(() => {});
    },
  };
}
