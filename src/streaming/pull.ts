/**
 * Turns a push-based follower (it calls `emit` per event) into an async
 * generator with pull semantics: each `emit` waits until the consumer asks for
 * the next event, and leaving the loop stops the follower.
 *
 * @module
 */

/**
 * Runs `start` and yields what it emits. `emit` resolves once the consumer asks
 * for the next event, and rejects with the stop reason when the consumer left
 * (`break`, `return`, a throw), after `stop` was aborted. The generator ends
 * when `start` resolves and throws what it rejects with.
 */
export async function* pull<E>(
  start: (emit: (event: E) => Promise<void>, stop: AbortSignal) => Promise<void>,
): AsyncGenerator<E, void, undefined> {
  const stop = new AbortController();
  const queue: E[] = [];
  let resume: { resolve: () => void; reject: (reason: unknown) => void } | undefined;
  let wake: (() => void) | undefined;
  let outcome: { error: unknown } | "done" | undefined;
  let waiting: typeof resume;
  const emit = (event: E): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (stop.signal.aborted) return reject(stop.signal.reason);
      queue.push(event);
      resume = { resolve, reject };
      const w = wake;
      wake = undefined;
      w?.();
    });
  start(emit, stop.signal).then(
    () => {
      outcome = "done";
      wake?.();
    },
    (error: unknown) => {
      outcome = { error };
      wake?.();
    },
  );
  try {
    while (true) {
      if (queue.length > 0) {
        const event = queue.shift() as E;
        waiting = resume;
        resume = undefined;
        yield event;
        const taken = waiting;
        waiting = undefined;
        taken?.resolve();
        continue;
      }
      if (outcome === "done") return;
      if (outcome !== undefined) throw outcome.error;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    const reason = new DOMException("The consumer stopped following", "AbortError");
    stop.abort(reason);
    waiting?.reject(reason);
    resume?.reject(reason);
  }
}
