/**
 * A `fetch` that calls the emulator's handler in-process, with the failure
 * modes of a real network: refused connections, lost responses, and aborts
 * that reject the call or error the body being read.
 *
 * @module
 */

import type { FaultQueue } from "./faults.ts";

/** What a refused TCP connection looks like from `fetch` (undici's shape). */
function refusedError(): TypeError {
  return new TypeError("fetch failed", {
    cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
      code: "ECONNREFUSED",
    }),
  });
}

/** What a connection closed before the response arrived looks like. */
function lostError(): TypeError {
  return new TypeError("fetch failed", {
    cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
  });
}

/** Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Re-emits `body`; when `signal` aborts, errors with its reason and cancels the source. */
function abortableBody(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let settled = false;
  let onAbort = (): void => {};
  const settle = (): void => {
    settled = true;
    signal.removeEventListener("abort", onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      onAbort = () => {
        if (settled) return;
        settle();
        controller.error(signal.reason);
        reader.cancel(signal.reason).catch(() => {});
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (settled) return;
        if (done) {
          settle();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        if (settled) return;
        settle();
        controller.error(error);
      }
    },
    cancel(reason) {
      settle();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Builds the in-process `fetch` over `handler`. */
export function createInProcessFetch(
  handler: (request: Request) => Promise<Response>,
  faults: FaultQueue,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) throw signal.reason;
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    if (faults.takeConnectionFault("refuse", request.method, pathname)) throw refusedError();
    const lose = faults.takeConnectionFault("lose", request.method, pathname);
    const pending = handler(request);
    let response: Response;
    if (signal) {
      try {
        response = await raceAbort(pending, signal);
      } catch (error) {
        // The caller gave up; drop whatever the handler still produces.
        pending.then((late) => late.body?.cancel(), () => {});
        throw error;
      }
    } else {
      response = await pending;
    }
    if (lose) {
      await response.body?.cancel();
      throw lostError();
    }
    const body = response.body && signal ? abortableBody(response.body, signal) : response.body;
    const result = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // Real responses know their URL; some clients read it.
    Object.defineProperty(result, "url", { value: request.url });
    return result;
  };
}
