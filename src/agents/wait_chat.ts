/**
 * A bounded, replay-safe wait on an agent turn, by chat id: for a durable
 * workflow step or a Durable Object alarm that picks a turn up in another
 * process. It polls the chat's status (cheap; jittered, from the start of the
 * previous poll) and reads the chat when the turn is over or the time is up.
 *
 * @module
 */

import type { HttpClient, RequestOptions } from "../http/core.ts";
import { segment } from "../http/core.ts";
import { sleep } from "../http/signals.ts";
import { readChat } from "./chat_read.ts";
import { isChatBusy } from "./turn_gate.ts";
import type { Chat } from "./types.ts";

/**
 * Options of `client.agents.wait`.
 *
 * @example
 * ```ts
 * import type { ChatWaitOptions } from "@inferencesh/sdk/types";
 * const options: ChatWaitOptions = { timeoutMs: 25_000, pollIntervalMs: 1_000 };
 * ```
 */
export interface ChatWaitOptions extends Omit<RequestOptions, "timeoutMs"> {
  /**
   * How long to wait, in ms; when it is up, the chat as it is then is returned
   * (no error, and the turn goes on). Leave it out to wait until the chat is idle.
   */
  timeoutMs?: number | undefined;
  /**
   * Time from the start of one read of the chat's status to the next, in ms
   * (±20 %, so that many waiters do not poll in step).
   * @default {the client's `pollIntervalMs`, 2000}
   */
  pollIntervalMs?: number | undefined;
  /** Per-request timeout of each read (the client's `timeoutMs` otherwise). */
  requestTimeoutMs?: number | undefined;
}

/** Polls chat `chatId` until it is idle or `timeoutMs` is up; resolves with the chat read last. */
export async function waitForChat(
  http: HttpClient,
  chatId: string,
  options: ChatWaitOptions,
): Promise<Chat> {
  segment(chatId, "chatId");
  const timeoutMs = checkMs("timeoutMs", options.timeoutMs);
  const interval = checkMs("pollIntervalMs", options.pollIntervalMs) ??
    http.config.pollIntervalMs;
  const { signal } = options;
  const request: RequestOptions = {
    signal,
    timeoutMs: options.requestTimeoutMs,
    maxRetries: options.maxRetries,
  };
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  while (true) {
    signal?.throwIfAborted();
    // Polls are scheduled from the start of the previous one, ±20 % (as the
    // follow engine's), so many waiters do not poll in step.
    const started = Date.now();
    const status = await http.json<{ status?: unknown } | null | undefined>({
      method: "GET",
      path: `/chats/${segment(chatId, "chatId")}/status`,
      action: `poll chat "${chatId}"`,
      retry: "idempotent",
      ...request,
    });
    const left = deadline - Date.now();
    if (!isChatBusy({ status: String(status?.status ?? "") }) || left <= 0) {
      const chat = await readChat(http, chatId, request, undefined);
      // The status may lag the chat (or the turn ended between the reads).
      if (!isChatBusy(chat) || left <= 0) return chat;
    }
    const next = interval * (0.8 + 0.4 * Math.random()) - (Date.now() - started);
    await sleep(Math.min(next, Math.max(0, left)), signal);
  }
}

function checkMs(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Invalid option '${name}': must be a finite number of ms >= 0: got ${String(value)}`,
    );
  }
  return value;
}
