// close(): every timer stopped and every stream ended, so nothing keeps the process alive.
import { test } from "node:test";
import { ok, strictEqual } from "node:assert/strict";
import { API, AUTH, delay, fastEmulator, openStream, run } from "./_helpers.ts";

/** Counts the timers started through the globals while `body` runs. */
async function withTimerCount(body: (live: () => number) => Promise<void>): Promise<void> {
  const live = new Set<unknown>();
  const originals = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
  };
  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = (fn: () => void, ms?: number) => {
    const id = originals.setTimeout(() => {
      live.delete(id);
      fn();
    }, ms);
    live.add(id);
    return id;
  };
  g.clearTimeout = (id: number) => {
    live.delete(id);
    originals.clearTimeout(id);
  };
  g.setInterval = (fn: () => void, ms?: number) => {
    const id = originals.setInterval(fn, ms);
    live.add(id);
    return id;
  };
  g.clearInterval = (id: number) => {
    live.delete(id);
    originals.clearInterval(id);
  };
  try {
    await body(() => live.size);
  } finally {
    Object.assign(globalThis, originals);
  }
}

test("close() stops every timer and ends every open stream", async () => {
  await withTimerCount(async (live) => {
    const emulator = fastEmulator({ heartbeatMs: 1000 });
    const sleeping = await run(emulator, "infsh/sleep", { seconds: 60 });
    const streaming = await run(emulator, "infsh/sleep", { seconds: 60 });
    const open = await openStream(emulator, streaming.id);
    emulator.faults.stallStreamAfter(1);
    const stalled = await openStream(emulator, sleeping.id);
    ok(live() >= 3, `${live()} timers before close`); // two runners and the heartbeat
    emulator.close();
    strictEqual(live(), 0);
    // Both bodies end (the stalled one too) instead of hanging.
    ok((await open.text()).length > 0);
    ok((await stalled.text()).length > 0);
    await delay(5);
    strictEqual(emulator.task(sleeping.id)?.status !== 10, true);
    const after = await emulator.fetch(`${API}/tasks/${sleeping.id}`, { headers: AUTH });
    strictEqual(after.status, 503);
    await after.body?.cancel();
  });
});

test("reset() also stops every timer", async () => {
  await withTimerCount(async (live) => {
    const emulator = fastEmulator({ heartbeatMs: 1000 });
    const task = await run(emulator, "infsh/sleep", { seconds: 60 });
    const open = await openStream(emulator, task.id);
    emulator.reset();
    strictEqual(live(), 0);
    await open.text();
    emulator.close();
  });
});
