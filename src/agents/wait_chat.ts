/**
 * A bounded, replay-safe wait on an agent turn, by chat id: for a durable
 * workflow step or a Durable Object alarm that picks a turn up in another
 * process. It is the follow engine's polling follower (`followPolling`: jittered
 * polls, each scheduled from the start of the previous one, failures retried
 * with backoff) under the engine's bounded follow (`followWithin`, as
 * `tasks.wait`): each poll reads the chat's status (cheap), and the chat itself
 * once the status says idle; when the time is up the chat is read as it is.
 *
 * @module
 */

import type { HttpClient, RequestOptions } from "../http/core.ts";
import { segment } from "../http/core.ts";
import { FINAL, followPolling, NOTHING, type Outcome } from "../streaming/engine.ts";
import { followSettings } from "../streaming/options.ts";
import { checkWaitTimeout, followWithin } from "../streaming/within.ts";
import { readChat } from "./chat_read.ts";
import { pollChatStatus } from "./chat_stream.ts";
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

/**
 * Polls chat `chatId` until it is idle, or until `timeoutMs` is up (then reads
 * it as it is); resolves with the chat read last. Never stops the turn.
 */
export async function waitForChat(
  http: HttpClient,
  chatId: string,
  options: ChatWaitOptions,
  random: () => number = http.config.random ?? Math.random,
): Promise<Chat> {
  segment(chatId, "chatId");
  const timeoutMs = checkWaitTimeout(options.timeoutMs);
  const settings = followSettings(
    {
      stream: false,
      pollIntervalMs: options.pollIntervalMs,
      timeoutMs: options.requestTimeoutMs,
      maxRetries: options.maxRetries,
    },
    http.config,
    random,
  );
  const request = (signal: AbortSignal | undefined): RequestOptions => ({
    signal,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  });
  let idle: Chat | undefined;
  const adapter = {
    isFinal: (): boolean => idle !== undefined,
    async poll(signal: AbortSignal): Promise<Outcome> {
      const { status } = await pollChatStatus(http, chatId, request(signal));
      if (isChatBusy({ status })) return NOTHING;
      const chat = await readChat(http, chatId, request(signal), undefined);
      // The status may lag the chat (or a turn began between the two reads).
      if (isChatBusy(chat)) return NOTHING;
      idle = chat;
      return FINAL;
    },
  };
  return await followWithin(
    timeoutMs,
    options.signal,
    settings.clock,
    async (signal) => {
      await followPolling(adapter, { ...settings, signal }, "now");
      return idle!;
    },
    () => readChat(http, chatId, request(options.signal), undefined),
  );
}
