import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Task } from "../../mod.ts";
import { parseStatus } from "../../src/tasks/status.ts";
import { changesNothing } from "../../src/tasks/updates.ts";

/** What changesNothing said before it compared in place: JSON text per object field. */
function byJsonText(snapshot: Task, data: Partial<Task>): boolean {
  for (const key of Object.keys(data)) {
    const before = snapshot[key];
    const after = key === "status" ? parseStatus(data[key]) : data[key];
    if (before === after) continue;
    if (typeof before !== "object" || typeof after !== "object") return false;
    if (JSON.stringify(before) !== JSON.stringify(after)) return false;
  }
  return true;
}

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const ODD: unknown[] = [undefined, NaN, Infinity, new Date(0), () => 1, { toJSON: () => 1 }, -0];

function value(next: () => number, depth: number, odd: boolean): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 5 : 7));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.floor(next() * 3);
    case 3:
      return ["a", "b", ""][Math.floor(next() * 3)];
    case 4:
      return odd && next() < 0.3 ? ODD[Math.floor(next() * ODD.length)] : "x";
    case 5:
      return Array.from({ length: Math.floor(next() * 3) }, () => value(next, depth + 1, odd));
    default: {
      const object: Record<string, unknown> = {};
      for (const key of ["k", "l", "m"]) {
        if (next() < 0.6) object[key] = value(next, depth + 1, odd);
      }
      return object;
    }
  }
}

/** A copy of `v` that is often equal, sometimes reordered or changed a little. */
function variant(v: unknown, next: () => number, odd: boolean): unknown {
  if (next() < 0.15) return value(next, 2, odd);
  if (Array.isArray(v)) return v.map((item) => variant(item, next, odd));
  if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    const keys = Object.keys(v);
    if (next() < 0.1) keys.reverse();
    const copy: Record<string, unknown> = {};
    for (const key of keys) copy[key] = variant((v as Record<string, unknown>)[key], next, odd);
    return copy;
  }
  return v;
}

describe("changesNothing()", () => {
  it("says what comparing JSON text said, for JSON data and for values JSON rewrites", () => {
    for (const odd of [false, true]) {
      const next = random(odd ? 7 : 1);
      for (let i = 0; i < 5_000; i++) {
        const field = value(next, 0, odd);
        const snapshot = { id: "t", status: 7, logs: field } as unknown as Task;
        const data = { status: 7, logs: variant(field, next, odd) } as Partial<Task>;
        assert.equal(
          changesNothing(snapshot, data),
          byJsonText(snapshot, data),
          `${odd ? "odd" : "json"} case ${i}: ${String(JSON.stringify(field))}`,
        );
      }
    }
  });

  it("compares what JSON rewrites by its JSON text", () => {
    const cases: [unknown, unknown][] = [
      [{ k: 1, gone: undefined }, { k: 1 }],
      [{ k: 1, f: () => 1 }, { k: 1 }],
      [{ x: 1, toJSON: () => 0 }, { x: 2, toJSON: () => 0 }],
      [[undefined], [null]],
      [{ n: NaN }, { n: null }],
      [{ at: new Date(0) }, { at: "1970-01-01T00:00:00.000Z" }],
    ];
    for (const [before, after] of cases) {
      const snapshot = { id: "t", status: 7, output: before } as Task;
      const data = { output: after } as Partial<Task>;
      assert.equal(changesNothing(snapshot, data), true, String(JSON.stringify(before)));
      assert.equal(byJsonText(snapshot, data), true);
    }
  });

  it("tells a changed status, a new field and a reordered object as changes", () => {
    const snapshot = { id: "t", status: 7, output: { a: 1, b: [1, 2] } } as unknown as Task;
    assert.equal(changesNothing(snapshot, { status: "running" } as unknown as Partial<Task>), true);
    assert.equal(changesNothing(snapshot, { status: 10 }), false);
    assert.equal(changesNothing(snapshot, { output: { a: 1, b: [1, 2] } }), true);
    assert.equal(changesNothing(snapshot, { output: { b: [1, 2], a: 1 } }), false);
    assert.equal(changesNothing(snapshot, { output: { a: 1, b: [1, 3] } }), false);
    assert.equal(changesNothing(snapshot, { progress: 0.5 } as Partial<Task>), false);
  });

  it("compares object fields in place, without JSON.stringify (which grew with the logs)", () => {
    const logs = [1, 4].map((type) => ({
      id: `log_${type}`,
      "log_type": type,
      content: "step done\n".repeat(10_000),
    }));
    const snapshot: Task = { id: "t", status: 7, logs };
    const same: Partial<Task> = { logs: structuredClone(logs) };
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      calls++;
      return stringify(...args);
    }) as typeof stringify;
    try {
      assert.equal(changesNothing(snapshot, same), true);
    } finally {
      JSON.stringify = stringify;
    }
    assert.equal(calls, 0);
  });
});
