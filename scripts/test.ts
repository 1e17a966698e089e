/// <reference lib="deno.ns" />
/**
 * `deno task test`: every check of the project, in order, then one total.
 *
 * 1. checks: doc examples present, fmt, lint, type-check, doc lint, publish dry run
 * 2. the unit suite (`deno task test:unit` runs it alone, in well under a minute)
 * 3. the doc examples, run as tests
 * 4. the runtime matrix (scripts/matrix.ts), and the Durable Object restart and
 *    fan-out cases on workerd (tests/runtimes/durable_object.ts)
 * 5. the official SDK 0.6.54 against the emulator (tests/conformance/official_sdk.ts)
 *
 * Every step runs even when an earlier one failed, so one run shows everything;
 * the last line is `total: N passed, M failed` (`, K skipped` when a runtime is
 * missing), and the exit code is 1 when anything failed.
 *
 * ```sh
 * deno task test
 * ```
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { ROOT, TOOLS_DIR, toolsInstalled } from "./tools.ts";

interface Step {
  name: string;
  task: string;
  /** Reads the step's counts from its output; undefined: the step counts as one check. */
  count?: (text: string) => Counts | undefined;
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  note?: string;
}

const denoTest = (text: string): Counts | undefined => {
  const match = /^(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/m.exec(text);
  if (!match) return undefined;
  return {
    passed: Number(match[1]),
    failed: Number(match[3]),
    skipped: 0,
    note: match[2] ? `(${match[2]} steps)` : undefined,
  } as Counts;
};

const STEPS: Step[] = [
  { name: "checks (fmt, lint, types, docs, publish)", task: "lint:all" },
  { name: "unit suite", task: "test:unit", count: denoTest },
  { name: "doc examples", task: "doc:test", count: denoTest },
  {
    name: "runtime matrix",
    task: "matrix",
    count: (text) => {
      const match = /^matrix: (\d+) cells pass, (\d+) fail, (\d+) skipped/m.exec(text);
      return match
        ? { passed: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3]) }
        : undefined;
    },
  },
  // -- issue 13: Durable Objects on workerd, killed and restarted mid-task --
  {
    name: "durable objects on workerd",
    task: "matrix:durable",
    count: (text) => {
      const match = /^durable objects: (\d+) passed, (\d+) failed/m.exec(text);
      return match ? { passed: Number(match[1]), failed: Number(match[2]), skipped: 0 } : undefined;
    },
  },
  // -- end issue 13 --
  {
    name: "official SDK conformance",
    task: "conformance",
    count: (text) => {
      const match = /^conformance: (\d+) pass, (\d+) known defects[^,]*, (\d+) fail/m.exec(text);
      // A known defect is the official SDK behaving as documented: the check passed.
      return match
        ? {
          passed: Number(match[1]) + Number(match[2]),
          failed: Number(match[3]),
          skipped: 0,
          note: `(${match[2]} of them known defects of the official SDK, seen as documented)`,
        }
        : undefined;
    },
  },
];

/** Runs `deno task <task>`, echoing its output while keeping a copy. */
async function runTask(task: string): Promise<{ ok: boolean; text: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", task],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  const pump = async (
    stream: ReadableStream<Uint8Array>,
    sink: { write(p: Uint8Array): unknown },
  ) => {
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      await sink.write(chunk);
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
  ]);
  return { ok: status.success, text };
}

if (import.meta.main) {
  const installed = await toolsInstalled();
  console.log(
    [
      "deno task test: checks, the unit suite, the doc examples, the runtime matrix, the official SDK's",
      "conformance run, then one total. (deno task test:unit runs the unit suite alone.)",
      installed
        ? `The pinned tools are installed (${TOOLS_DIR.slice(ROOT.length + 1)}/node_modules).`
        : `The matrix and conformance steps first install pinned tools from npm, once (then cached in\n` +
          `${
            TOOLS_DIR.slice(ROOT.length + 1)
          }/node_modules): Bun, workerd, edge-runtime, esbuild,\n` +
          `TypeScript 5.4/5.9/7.0, @types/node, Node 20/22/24/26 binaries and the official SDK 0.6.54:\n` +
          `about 340 MB to download, 1.1 GB on disk.`,
      "The browser column needs Chromium (.ci/run installs Debian's when it can); without it the column is skipped.",
      "",
    ].join("\n"),
  );
  const results: { step: Step; ok: boolean; counts: Counts }[] = [];
  for (const step of STEPS) {
    console.log(`\n=== ${step.name}: deno task ${step.task}\n`);
    const { ok, text } = await runTask(step.task);
    let counts = step.count?.(text);
    if (!counts) counts = { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
    // A step that failed without a failing count (it crashed) still fails.
    if (!ok && counts.failed === 0) counts = { ...counts, failed: 1 };
    results.push({ step, ok, counts });
  }
  const total = { passed: 0, failed: 0, skipped: 0 };
  console.log("\n=== summary\n");
  const width = Math.max(...results.map((r) => r.step.name.length));
  for (const { step, counts } of results) {
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : "";
    console.log(
      `  ${step.name.padEnd(width)}  ${counts.passed} passed, ${counts.failed} failed${skipped}${
        counts.note ? ` ${counts.note}` : ""
      }`,
    );
  }
  console.log(
    `\ntotal: ${total.passed} passed, ${total.failed} failed${
      total.skipped ? `, ${total.skipped} skipped` : ""
    }`,
  );
  Deno.exit(results.every((r) => r.ok) ? 0 : 1);
}
