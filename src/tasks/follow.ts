/**
 * Follows a task to its end over a stream or by polling, and survives the ways a
 * stream fails: it ends early, breaks, sends a malformed line, or goes silent. After
 * each failure the task is re-read (`GET /tasks/{id}`) so no terminal update is
 * missed, then the stream is reopened with backoff. The terminal update is
 * delivered exactly once, and nothing follows it.
 *
 * @module
 */

import { StreamError } from "../errors.ts";
import { type HttpClient, segment } from "../http/core.ts";
import { backoffDelay } from "../http/retry.ts";
import { sleep } from "../http/signals.ts";
import { decodeNdjson } from "../streaming/ndjson_stream.ts";
import { isRecoverable, readWithin, type ReconnectSettings } from "../streaming/reconnect.ts";
import { isTerminalStatus, parseStatus } from "./status.ts";
import type { Task, TaskDelta } from "./types.ts";
import { changesNothing, classifyLine, mergeTask } from "./updates.ts";

/** What a follower reports. */
export type FollowEvent =
  | { type: "update"; task: Task; fields: string[] | undefined }
  | { type: "delta"; delta: TaskDelta };

/** How to follow; every field already defaulted and checked. */
export interface FollowSettings extends ReconnectSettings {
  signal: AbortSignal | undefined;
  stream: boolean;
  autoReconnect: boolean;
  fallbackToPolling: boolean;
  pollIntervalMs: number;
}

/**
 * Yields every change of the task after `initial`, ending with the terminal one.
 * Leaving the loop early (`break`, `return`, a throw) closes the connection.
 */
export function followTask(
  http: HttpClient,
  initial: Task,
  settings: FollowSettings,
): AsyncGenerator<FollowEvent, void, undefined> {
  return settings.stream
    ? followStream(http, initial, settings)
    : followPolling(http, initial, settings);
}

async function* followStream(
  http: HttpClient,
  initial: Task,
  settings: FollowSettings,
): AsyncGenerator<FollowEvent, void, undefined> {
  const { signal } = settings;
  const id = initial.id;
  const path = `/tasks/${segment(id)}/stream`;
  let snapshot = initial;
  let failures = 0;
  // Deltas a reconnected stream replays are recognised by their `seq`.
  let lastSeq = -Infinity;
  if (isTerminalStatus(snapshot.status)) {
    yield { type: "update", task: snapshot, fields: undefined };
    return;
  }
  while (true) {
    const connection = new AbortController();
    const onAbort = () => connection.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let reader: ReadableStreamDefaultReader<unknown> | undefined;
    try {
      signal?.throwIfAborted();
      const response = await http.stream({
        path,
        action: `follow task "${id}"`,
        accept: "application/x-ndjson",
        signal: connection.signal,
        timeoutMs: settings.timeoutMs,
        maxRetries: settings.maxRetries,
      });
      reader = decodeNdjson(response.body as ReadableStream<Uint8Array>).getReader();
      while (true) {
        const line = await readWithin(reader, settings.idleTimeoutMs, `follow task "${id}"`);
        if (line.done) {
          throw new StreamError(
            `Cannot follow task "${id}": the stream ended before the task finished`,
          );
        }
        const classified = classifyLine(line.value);
        if (classified.kind === "heartbeat" || classified.kind === "other") continue;
        failures = 0;
        if (classified.kind === "delta") {
          const seq = classified.delta.seq;
          if (typeof seq === "number") {
            if (seq <= lastSeq) continue;
            lastSeq = seq;
          }
          yield { type: "delta", delta: classified.delta };
          continue;
        }
        if (!changesNothing(snapshot, classified.data)) {
          snapshot = mergeTask(snapshot, classified.data);
          yield { type: "update", task: snapshot, fields: classified.fields };
        }
        if (isTerminalStatus(snapshot.status)) return;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!settings.autoReconnect || !isRecoverable(error)) throw error;
      if (failures >= settings.maxReconnects) {
        if (!settings.fallbackToPolling) throw error;
        // Streams keep failing here (a proxy that buffers or cuts them, say):
        // polling reaches the same end, without deltas, from what is known so far.
        yield* followPolling(http, snapshot, settings);
        return;
      }
      failures++;
      // Reconcile before reconnecting: the task may have ended while we were away.
      // If the API cannot be reached either, the reconnect below is the next try.
      const task = await getTask(http, id, settings).catch((reason: unknown) => {
        if (signal?.aborted) throw signal.reason;
        if (!isRecoverable(reason)) throw reason;
        return undefined;
      });
      if (task && !changesNothing(snapshot, task)) {
        snapshot = mergeTask(snapshot, task);
        yield { type: "update", task: snapshot, fields: undefined };
      }
      if (isTerminalStatus(snapshot.status)) return;
      await sleep(
        backoffDelay(failures - 1, settings.random, settings.reconnectDelayMs),
        signal,
      );
    } finally {
      signal?.removeEventListener("abort", onAbort);
      connection.abort();
      reader?.cancel().catch(() => {});
    }
  }
}

async function* followPolling(
  http: HttpClient,
  initial: Task,
  settings: FollowSettings,
): AsyncGenerator<FollowEvent, void, undefined> {
  const { signal } = settings;
  const id = initial.id;
  let snapshot = initial;
  let failures = 0;
  let first = true;
  while (!isTerminalStatus(snapshot.status)) {
    if (!first) await sleep(settings.pollIntervalMs, signal);
    first = false;
    try {
      const status = await http.json<{ status?: unknown }>({
        method: "GET",
        path: `/tasks/${segment(id)}/status`,
        action: `poll task "${id}"`,
        retry: "idempotent",
        signal,
        timeoutMs: settings.timeoutMs,
        maxRetries: settings.maxRetries,
      });
      // Fetch the whole task on any change, and whenever the status is terminal
      // (even if it looks unchanged), so a cached final state still ends the loop.
      const polled = parseStatus(status?.status);
      if (polled !== snapshot.status || isTerminalStatus(polled)) {
        const task = await getTask(http, id, settings);
        if (!changesNothing(snapshot, task)) {
          snapshot = mergeTask(snapshot, task);
          yield { type: "update", task: snapshot, fields: undefined };
        }
      }
      failures = 0;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (failures >= settings.maxReconnects || !isRecoverable(error)) throw error;
      failures++;
      await sleep(backoffDelay(failures - 1, settings.random, settings.reconnectDelayMs), signal);
    }
  }
  if (snapshot === initial) yield { type: "update", task: snapshot, fields: undefined };
}

function getTask(http: HttpClient, id: string, settings: FollowSettings): Promise<Task> {
  return http.json<Task>({
    method: "GET",
    path: `/tasks/${segment(id)}`,
    action: `get task "${id}"`,
    retry: "idempotent",
    signal: settings.signal,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  });
}
