/**
 * The options of an agent's calls: how to follow a chat
 * ({@linkcode ChatStreamOptions}) and what {@linkcode SendMessageOptions} adds
 * for one turn (callbacks, attachments), with the settings they resolve to.
 *
 * @module
 */

import {
  type FollowDefaults,
  type FollowSettings as EngineSettings,
  followSettings as resolveSettings,
  type ResilienceOptions,
} from "../streaming/options.ts";
import type { AccumulatedDelta } from "../tasks/delta.ts";
import { type Attachment, checkAttachments } from "./attachments.ts";
import type { ToolCall } from "./tool_runner.ts";
import type { Chat, ChatDelta, ChatMessage } from "./types.ts";

/**
 * How to follow a chat: over its stream or by polling, reconnection and time
 * limits.
 *
 * @example
 * ```ts
 * import type { ChatStreamOptions } from "@inferencesh/sdk/types";
 * const streamed: ChatStreamOptions = { idleTimeoutMs: 15_000, maxReconnects: 10 };
 * const polled: ChatStreamOptions = { stream: false, pollIntervalMs: 1_000 }; // e.g. in a Worker
 * ```
 */
export interface ChatStreamOptions extends ResilienceOptions {
  /** Stops following; the call rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /**
   * Follow over the chat stream (`true`), or by polling (`false`: for places
   * that cut long responses, such as Workers and some proxies). Polling reads
   * `GET /chats/{id}/status`, and the chat while the agent works; it sees no
   * token deltas (a reply's text then comes to `onDelta` in one piece, once
   * final), and reports only what changed since the last poll. A stream that
   * keeps failing falls back to the same polling (see `fallbackToPolling`).
   * @default {the client's `stream` option, true}
   */
  stream?: boolean | undefined;
}

/**
 * Options of {@linkcode Agent.sendMessage}.
 *
 * @example
 * ```ts
 * import type { SendMessageOptions } from "@inferencesh/sdk/types";
 * const options: SendMessageOptions = {
 *   onDelta: (_delta, soFar) => console.log(soFar.response),
 *   signal: AbortSignal.timeout(120_000),
 * };
 * ```
 */
export interface SendMessageOptions extends ChatStreamOptions {
  /** Called with each message of the turn (the user's and the agent's), merged, as it changes. */
  onMessage?: ((message: ChatMessage) => void) | undefined;
  /** Called with the chat as it changes (status, run, output). */
  onChat?: ((chat: Chat) => void) | undefined;
  /**
   * Called for every new token delta, with the message's text so far
   * (`soFar.response`). Deltas a reconnect replays are dropped by `seq`; if some
   * were lost, a last delta without `seq` brings the text up to the final
   * message, so the deltas of a message add up to its text. Polling
   * (`stream: false`) sees no deltas: the reply's text then comes as that one
   * last delta.
   */
  onDelta?: ((delta: ChatDelta, soFar: AccumulatedDelta) => void) | undefined;
  /**
   * Called for every client tool call: after the SDK ran its handler and
   * submitted the result (`handled: true`), or when the caller must answer
   * (`handled: false`, with `submitToolResult`; until someone does, the turn
   * waits, as the agent does). A rejection fails the turn. Without `onToolCall`,
   * a call nobody can answer (no handler, or approval needed) is answered with
   * `{"status": "not_available", …}` so the model can go on.
   */
  onToolCall?: ((call: ToolCall) => unknown) | undefined;
  /**
   * Files to attach, sent as `input.attachments` (file references: `{ id, uri,
   * filename, content_type, size }`); those whose content type is `image/*`
   * (given, or guessed from the URI's extension) reach the model as images.
   */
  files?: ReadonlyArray<Attachment> | undefined;
  /** Images to attach: like `files`, always with an `image/*` content type. */
  images?: ReadonlyArray<Attachment> | undefined;
}

/** How an agent follows a chat: the follow engine's settings. */
export type FollowSettings = EngineSettings;

/**
 * Applies the defaults (the client's, then the SDK's) to the follow options and
 * rejects a bad one naming it, before anything is sent.
 */
export function followSettings(
  options: ChatStreamOptions,
  defaults: FollowDefaults,
  random: () => number,
): FollowSettings {
  // The signal is the turn's (or the subscription's), given with the hooks.
  return resolveSettings({ ...options, signal: undefined }, defaults, random);
}

/**
 * Checks `sendMessage`'s arguments, naming the bad one, before anything is
 * sent; returns the attachments.
 */
export function checkMessage(
  text: unknown,
  options: unknown,
): { files: Attachment[]; images: Attachment[] } {
  if (typeof text !== "string") throw new TypeError("Invalid argument 'text': must be a string");
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Invalid argument 'options': must be an object");
  }
  const given = options as SendMessageOptions;
  for (const name of ["onMessage", "onChat", "onDelta", "onToolCall"] as const) {
    if (given[name] !== undefined && typeof given[name] !== "function") {
      throw new TypeError(`Invalid option '${name}': must be a function`);
    }
  }
  const files = checkAttachments(given.files, "files");
  const images = checkAttachments(given.images, "images");
  if (text.trim() === "" && files.length === 0 && images.length === 0) {
    throw new TypeError("Invalid argument 'text': must not be empty (or attach files)");
  }
  return { files, images };
}
