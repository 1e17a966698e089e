/**
 * One turn of a conversation, as an object of its own: the events of the chat
 * are applied to it one by one (its messages, the token deltas with their
 * catch-up, when it ends), and once it has ended it gives its result: the
 * final assistant message, its text and the validated structured output.
 *
 * @module
 */

import { InferenceError } from "../errors.ts";
import type { HttpClient, RequestOptions } from "../http/core.ts";
import { type AccumulatedDelta, accumulateDelta, emptyDelta } from "../tasks/delta.ts";
import type { SendMessageOptions } from "./agent_options.ts";
import type { CreatedMessages } from "./chat_api.ts";
import { readChat } from "./chat_read.ts";
import type { ChatEvent } from "./chat_stream.ts";
import { AgentTurnError, OutputValidationError } from "./errors.ts";
import { describeIssues, type StandardSchemaV1 } from "./standard_schema.ts";
import { FINAL_MESSAGE_STATUSES, isChatBusy, TurnGate } from "./turn_gate.ts";
import type { Chat, ChatDelta, ChatMessage } from "./types.ts";

/**
 * What {@linkcode Agent.sendMessage} resolves with once the turn is over.
 *
 * @typeParam Output The structured output's type.
 *
 * @example
 * ```ts
 * import type { AgentReply } from "@inferencesh/sdk";
 * const show = (reply: AgentReply): string => `${reply.chatId}: ${reply.text}`;
 * ```
 */
export interface AgentReply<Output = unknown> {
  /** The chat. */
  chatId: string;
  /** The final assistant message. */
  message: ChatMessage;
  /** Its text parts, joined. */
  text: string;
  /**
   * The structured output: parsed and validated by the output schema when it
   * is a Standard Schema; the chat's `output` as sent otherwise (`undefined`
   * when there is none).
   */
  output: Output;
  /** The user message, as the API recorded it. */
  userMessage: ChatMessage | undefined;
  /** The chat as last seen. */
  chat: Chat;
}

/** What a turn is made of. */
export interface TurnInit {
  http: HttpClient;
  /** The turn's chat. */
  chatId: string;
  /** Whether the message started the chat. */
  newChat: boolean;
  /** The answer of `POST /agents/run`. */
  created: CreatedMessages;
  /** The caller's callbacks. */
  callbacks: Pick<SendMessageOptions, "onMessage" | "onChat" | "onDelta">;
  /** The output schema, when it is a Standard Schema. */
  outputSchema: StandardSchemaV1 | undefined;
  /** Whether the chat may carry a structured output (a schema here, or a template's). */
  mayHaveOutput: boolean;
}

/**
 * One turn: the user message just sent and the agent's answer to it. Apply the
 * chat's events with {@linkcode Turn.apply} until {@linkcode Turn.ended}, then
 * read {@linkcode Turn.result}.
 */
export class Turn<Output = unknown> {
  readonly #http: HttpClient;
  readonly #chatId: string;
  readonly #gate: TurnGate;
  readonly #user: ChatMessage | undefined;
  readonly #userOrder: number | undefined;
  readonly #callbacks: TurnInit["callbacks"];
  readonly #outputSchema: StandardSchemaV1 | undefined;
  readonly #mayHaveOutput: boolean;
  readonly #messages = new Map<string, ChatMessage>();
  readonly #accumulated = new Map<string, AccumulatedDelta>();
  /** Messages whose text is final: later deltas for them are stale replays. */
  readonly #finished = new Set<string>();
  #latestUser: ChatMessage | undefined;
  #chat: Chat;
  /** Whether the last chat seen (not a run update) was idle: its `output` is then this turn's. */
  #idleChatSeen = false;

  /** Starts the turn from the answer of `POST /agents/run`. */
  constructor(init: TurnInit) {
    const user = init.created["user_message"];
    this.#http = init.http;
    this.#chatId = init.chatId;
    this.#user = user;
    this.#latestUser = user;
    this.#userOrder = typeof user?.order === "number" ? user.order : undefined;
    this.#gate = new TurnGate(init.newChat, init.created["assistant_message"]?.id, user);
    this.#callbacks = init.callbacks;
    this.#outputSchema = init.outputSchema;
    this.#mayHaveOutput = init.mayHaveOutput;
    this.#chat = { id: init.chatId, status: "" };
  }

  /** Whether the turn is over (its result can be read). */
  get ended(): boolean {
    return this.#gate.ended;
  }

  /** Whether the turn has shown itself (new chat, busy seen, or its answer final). */
  get settled(): boolean {
    return this.#gate.settled;
  }

  /** The `order` of the turn's user message, when the API gave it: messages before it are not this turn's. */
  get userOrder(): number | undefined {
    return this.#userOrder;
  }

  /** Applies one event of the chat (streamed, polled or re-read) to the turn. */
  apply(event: ChatEvent): void {
    switch (event.kind) {
      case "chat":
        this.#chat = event.chat;
        this.#callbacks.onChat?.(event.chat);
        this.#idleChatSeen = this.#gate.observeChat(event.data) && !isChatBusy(event.data);
        break;
      case "run":
        this.#chat = event.chat;
        this.#callbacks.onChat?.(event.chat);
        this.#gate.observeChat({ "active_run": event.run });
        break;
      case "message":
        this.#applyMessage(event.message);
        break;
      case "delta":
        this.#applyDelta(event.delta);
        break;
    }
  }

  #applyMessage(message: ChatMessage): void {
    this.#messages.set(message.id, message);
    const user = this.#user;
    if (message.id === user?.id) this.#latestUser = message;
    const ofThisTurn = this.#userOrder === undefined || message.id === user?.id ||
      (typeof message.order === "number" && message.order >= this.#userOrder);
    if (this.#gate.assistantId === undefined && ofThisTurn && message.role === "assistant") {
      this.#gate.assistantId = message.id;
    }
    if (ofThisTurn && message.id === this.#gate.assistantId) this.#catchUp(message);
    if (ofThisTurn) this.#callbacks.onMessage?.(message);
    this.#gate.observeMessage(message);
  }

  #applyDelta(delta: ChatDelta): void {
    const id = delta["resource_id"];
    if (this.#finished.has(id)) return;
    let soFar = this.#accumulated.get(id);
    if (!soFar) this.#accumulated.set(id, soFar = emptyDelta());
    accumulateDelta(soFar, delta.delta);
    this.#callbacks.onDelta?.(delta, soFar);
  }

  /**
   * When deltas were lost (the stream dropped and the server did not replay
   * them), one last delta without `seq` carries the rest of the final text, so
   * the deltas add up to the message whenever the streamed text is its start.
   */
  #catchUp(message: ChatMessage): void {
    if (message.status !== "ready" || this.#finished.has(message.id)) return;
    this.#finished.add(message.id);
    const text = textOf(message);
    let soFar = this.#accumulated.get(message.id);
    const have = soFar?.response ?? "";
    if (text.length <= have.length || !text.startsWith(have)) return;
    if (!soFar) this.#accumulated.set(message.id, soFar = emptyDelta());
    const delta: ChatDelta = {
      delta: { response: text.slice(have.length) },
      "resource_id": message.id,
    };
    accumulateDelta(soFar, delta.delta);
    this.#callbacks.onDelta?.(delta, soFar);
  }

  /**
   * The reply, once the turn has ended: built from what was applied, re-reading
   * the chat when that missed the final message or the output. Rejects with
   * {@linkcode AgentTurnError} when the agent failed or the turn was stopped,
   * and with {@linkcode OutputValidationError} when the output does not match.
   */
  async result(request: RequestOptions): Promise<AgentReply<Output>> {
    const chatId = this.#chatId;
    const user = this.#latestUser;
    let chat = this.#chat;
    let message = this.#find(this.#messages.values());
    // The turn usually ends on the run's completion, just before the idle chat that
    // carries the output: then the output is read with the chat (a template may
    // have an output schema this side does not know of).
    const missingOutput = this.#mayHaveOutput && !this.#idleChatSeen;
    if (!message || !FINAL_MESSAGE_STATUSES.has(String(message.status)) || missingOutput) {
      const current = await readChat(this.#http, chatId, request, user?.order);
      chat = { ...chat, ...current };
      message = this.#find(current["chat_messages"] ?? []) ?? message;
    }
    if (!message) {
      const listed = (chat["chat_messages"] ?? []).find((m) => m.id === user?.id) ?? user;
      if (listed?.status === "cancelled") {
        throw new AgentTurnError(
          `Cannot finish turn in chat "${chatId}": the queued message was cancelled`,
          chatId,
          "cancelled",
          undefined,
        );
      }
      throw new InferenceError(
        `Cannot finish turn in chat "${chatId}": the API sent no assistant message`,
      );
    }
    const run = chat["active_run"];
    if (message.status === "failed" || (run?.state === "failed" && message.status !== "ready")) {
      const reason = errorText(message) ?? run?.error ?? "no reason given";
      throw new AgentTurnError(
        `Cannot finish turn in chat "${chatId}": the agent failed: ${reason}`,
        chatId,
        "failed",
        message,
      );
    }
    if (message.status === "cancelled") {
      throw new AgentTurnError(
        `Cannot finish turn in chat "${chatId}": the turn was stopped`,
        chatId,
        "cancelled",
        message,
      );
    }
    return {
      chatId,
      message,
      text: textOf(message),
      output: await this.#validate(chat.output ?? undefined),
      userMessage: user,
      chat,
    };
  }

  /** The turn's assistant message among `list`: the named one, else the latest after the user's. */
  #find(list: Iterable<ChatMessage>): ChatMessage | undefined {
    const assistantId = this.#gate.assistantId;
    if (assistantId !== undefined) {
      for (const message of list) if (message.id === assistantId) return message;
      return undefined;
    }
    const userOrder = this.#latestUser?.order;
    let latest: ChatMessage | undefined;
    for (const message of list) {
      if (message.role !== "assistant") continue;
      if (userOrder !== undefined && message.order < userOrder) continue;
      if (!latest || message.order > latest.order) latest = message;
    }
    return latest;
  }

  /** Parses and validates the output by the output schema, when there is one. */
  async #validate(output: unknown): Promise<Output> {
    const schema = this.#outputSchema;
    if (!schema) return output as Output;
    const result = await schema["~standard"].validate(output);
    if (result.issues !== undefined) {
      throw new OutputValidationError(
        `Cannot read the output of chat "${this.#chatId}": it does not match the output schema: ${
          output === undefined ? "no output was produced" : describeIssues(result.issues)
        }`,
        this.#chatId,
        output,
        result.issues,
      );
    }
    return result.value as Output;
  }
}

function textOf(message: ChatMessage): string {
  const parts = Array.isArray(message.content) ? message.content : [];
  return parts.filter((part) => part?.type === "text" && typeof part.text === "string")
    .map((part) => part.text).join("");
}

function errorText(message: ChatMessage): string | undefined {
  const parts = Array.isArray(message.content) ? message.content : [];
  return parts.find((part) => typeof part?.error === "string")?.error;
}
