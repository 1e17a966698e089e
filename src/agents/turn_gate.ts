/**
 * When a turn is over (docs/protocol.md §7.5), with one correction: a run waiting for
 * authorisation (`auth_required`) is still running (docs/protocol.md §10 A4).
 *
 * @module
 */

import type { AgentRun, Chat, ChatMessage } from "./types.ts";

const BUSY_RUN_STATES: ReadonlySet<string> = new Set([
  "submitted",
  "working",
  "input_required",
  "auth_required",
]);

const BUSY_CHAT_STATUSES: ReadonlySet<string> = new Set([
  "busy",
  "awaiting_input",
  "auth_required",
]);

/** Final statuses of a message. */
export const FINAL_MESSAGE_STATUSES: ReadonlySet<string> = new Set([
  "ready",
  "failed",
  "cancelled",
]);

/**
 * Whether a chat (or a run update, passed as `{ active_run }`) says the agent is
 * still working: its run is submitted, working, waiting for input or for
 * authorisation; without a run, its status is busy or awaiting input.
 */
export function isChatBusy(chat: Partial<Chat> | { "active_run": AgentRun }): boolean {
  const run = chat["active_run"];
  if (run && typeof run === "object") return BUSY_RUN_STATES.has(String(run.state));
  return BUSY_CHAT_STATUSES.has(String((chat as Partial<Chat>).status));
}

/**
 * Decides when the turn started by one message is over. The gate is *settled*
 * once the chat was new, was seen busy, or this turn's assistant message turned
 * final; an idle observation ends a settled turn, and an idle observation that
 * came too early ends it as soon as it settles. Two additions to docs/protocol.md §7.5
 * make a queued message wait for its own answer: a run that names another user
 * message cannot end this turn, and nothing ends it while its user message is
 * still queued.
 */
export class TurnGate {
  #settled: boolean;
  #idlePending = false;
  #ended = false;
  #assistantId: string | undefined;
  readonly #userId: string | undefined;
  #queued: boolean;

  /**
   * @param newChat Whether the message started the chat (then the first idle ends the turn).
   * @param assistantId The turn's assistant message, when the API named it.
   * @param user The turn's user message as the API returned it, when it did.
   */
  constructor(
    newChat: boolean,
    assistantId: string | undefined,
    user?: Pick<ChatMessage, "id" | "status"> | undefined,
  ) {
    this.#settled = newChat;
    this.#assistantId = assistantId;
    this.#userId = user?.id;
    this.#queued = user?.status === "queued";
  }

  /** Whether the turn is over. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether this turn has shown itself (new chat, busy seen, or its answer final). */
  get settled(): boolean {
    return this.#settled;
  }

  /** Names the turn's assistant message once known (a queued message learns it late). */
  set assistantId(id: string | undefined) {
    this.#assistantId ??= id;
  }

  /** The turn's assistant message id, when known. */
  get assistantId(): string | undefined {
    return this.#assistantId;
  }

  /** A `chats` or `agent_runs` event (a run is passed as `{ active_run: run }`). Returns whether the turn ended. */
  observeChat(chat: Partial<Chat> | { "active_run": AgentRun }): boolean {
    if (this.#ended) return true;
    if (isChatBusy(chat)) {
      this.#settled = true;
      this.#idlePending = false;
      return false;
    }
    const run = chat["active_run"];
    const owner = run && typeof run === "object" ? run["user_message_id"] : undefined;
    // Another message's run finished: the chat moves on to this one (or already has).
    if (typeof owner === "string" && this.#userId !== undefined && owner !== this.#userId) {
      return false;
    }
    if (this.#settled && !this.#queued) this.#ended = true;
    else this.#idlePending = true;
    return this.#ended;
  }

  /** A `chat_messages` event (merged). Returns whether the turn ended. */
  observeMessage(message: ChatMessage): boolean {
    if (this.#ended) return true;
    if (message.id === this.#userId && message.status !== "queued") this.#queued = false;
    if (
      this.#assistantId !== undefined && message.id === this.#assistantId &&
      FINAL_MESSAGE_STATUSES.has(String(message.status))
    ) {
      this.#settled = true;
      this.#queued = false;
    }
    if (this.#idlePending && this.#settled && !this.#queued) this.#ended = true;
    return this.#ended;
  }
}
