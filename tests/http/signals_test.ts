import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { linkSignals, sleep } from "../../src/http/signals.ts";

// `null` forces the listener-based fallback used where AbortSignal.any is missing.
for (const [name, any] of [["native", "native"], ["fallback", null]] as const) {
  describe(`linkSignals() (${name})`, () => {
    const link = (signals: (AbortSignal | undefined)[]) =>
      any === "native" ? linkSignals(signals) : linkSignals(signals, null);

    it("aborts with the reason of the first input that aborts", () => {
      const a = new AbortController();
      const b = new AbortController();
      const linked = link([a.signal, undefined, b.signal]);
      assert.equal(linked.signal.aborted, false);
      const reason = new Error("stop");
      b.abort(reason);
      assert.equal(linked.signal.aborted, true);
      assert.equal(linked.signal.reason, reason);
      a.abort(new Error("later"));
      assert.equal(linked.signal.reason, reason);
      linked.dispose();
    });

    it("is aborted at once when an input already is", () => {
      const reason = new Error("already");
      const linked = link([AbortSignal.abort(reason)]);
      assert.equal(linked.signal.aborted, true);
      assert.equal(linked.signal.reason, reason);
    });

    it("stops following its inputs once disposed", () => {
      const a = new AbortController();
      const linked = link([a.signal]);
      linked.dispose();
      a.abort();
      if (any !== "native") assert.equal(linked.signal.aborted, false);
    });
  });
}

describe("sleep()", () => {
  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by caller");
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
  });
  it("resolves at once for zero", async () => {
    await sleep(0);
  });
});
