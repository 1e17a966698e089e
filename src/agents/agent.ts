/**
 * One conversation with an agent: send messages, follow each turn (over the
 * chat stream, or by polling) to its end, run client tools, read the structured
 * output.
 *
 * @module
 */

import { InferenceError } from "../errors.ts";
import { delay } from "../http/config.ts";
import type { HttpClient, RequestOptions } from "../http/core.ts";
import { linkSignals } from "../http/signals.ts";
import { type ReconnectSettings, reconnectSettings } from "../streaming/reconnect.ts";
import { type AccumulatedDelta, accumulateDelta, emptyDelta } from "../tasks/delta.ts";
import type { NormalizedAgent } from "./agent_config.ts";
import {
  postMessage,
  resultText,
  stopChat,
  submitToolResult,
  type ToolAction,
} from "./chat_api.ts";
import { pollChat } from "./chat_poll.ts";
import { readChat } from "./chat_read.ts";
import { type ChatEvent, followChat } from "./chat_stream.ts";
import { AgentTurnError, OutputValidationError } from "./errors.ts";
import { describeIssues } from "./standard_schema.ts";
import { FINAL_MESSAGE_STATUSES, isChatBusy, TurnGate } from "./turn_gate.ts";
import type { Chat, ChatDelta, ChatMessage, ClientTool, ToolInvocation } from "./types.ts";

/**
 * How to follow a chat: over its stream or by polling, reconnection and time
 * limits.
 *
 * @example
 * ```ts
 * import type { ChatStreamOptions } from "@inferencesh/sdk";
 * const streamed: ChatStreamOptions = { idleTimeoutMs: 15_000, maxReconnects: 10 };
 * const polled: ChatStreamOptions = { stream: false, pollIntervalMs: 1_000 }; // e.g. in a Worker
 * ```
 */
export interface ChatStreamOptions {
  /** Stops following; the call rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /**
   * Follow over the chat stream (`true`), or by polling (`false`: for places
   * that cut long responses, such as Workers and some proxies). Polling reads
   * `GET /chats/{id}/status`, and the chat while the agent works; it sees no
   * token deltas (a reply's text then comes to `onDelta` in one piece, once
   * final), and reports only what changed since the last poll.
   * @default {the client's `stream` option, true}
   */
  stream?: boolean | undefined;
  /**
   * Pause between polls in ms, when `stream` is `false`.
   * @default {the client's `pollIntervalMs`, 2000}
   */
  pollIntervalMs?: number | undefined;
  /**
   * Reconnects (or, polling, failed polls) allowed in a row before the call
   * rejects with the last error; any event resets the count.
   * @default {5}
   */
  maxReconnects?: number | undefined;
  /**
   * First reconnect (or repeated poll) delay in ms; it doubles per failure (with
   * jitter), up to 8 s.
   * @default {1000}
   */
  reconnectDelayMs?: number | undefined;
  /**
   * How long an open stream may stay silent (the server sends a heartbeat about
   * every 10 s) before it counts as stalled and is reconnected.
   * @default {30000}
   */
  idleTimeoutMs?: number | undefined;
  /** Overrides the client's `timeoutMs` for each request and stream connect. */
  timeoutMs?: number | undefined;
  /** Overrides the client's `maxRetries` for each request. */
  maxRetries?: number | undefined;
}

/**
 * A file to attach to a message: a `Blob`/`File` (uploaded first), or a file
 * already uploaded (`{ uri }`, e.g. what `client.files.upload()` returned, or a
 * URI string).
 *
 * @example
 * ```ts
 * import type { Attachment } from "@inferencesh/sdk";
 * const attachments: Attachment[] = [
 *   new Blob(["hello"], { type: "text/plain" }),
 *   { uri: "https://example.com/cat.png", "content_type": "image/png" },
 * ];
 * ```
 */
export type Attachment =
  | Blob
  | string
  | { uri: string; "content_type"?: string | undefined; [field: string]: unknown };

/**
 * A client tool call, as `onToolCall` reports it.
 *
 * @example
 * ```ts
 * import type { ToolCall } from "@inferencesh/sdk";
 * const onToolCall = (call: ToolCall): void => {
 *   if (!call.handled) console.log(`answer ${call.name} with submitToolResult("${call.id}", …)`);
 * };
 * ```
 */
export interface ToolCall {
  /** The invocation id; pass it to `submitToolResult`. */
  id: string;
  /** The tool's name. */
  name: string;
  /** The arguments the model passed. */
  args: Record<string, unknown>;
  /**
   * `true` when the SDK ran the tool's handler and submitted `result`; `false`
   * when the caller must answer with `submitToolResult` (no handler, or the tool
   * needs approval).
   */
  handled: boolean;
  /** Whether the tool needs a person's approval (then the SDK never runs it). */
  requiresApproval: boolean;
  /** The result submitted (when `handled`). */
  result?: string | undefined;
  /** Whether `result` describes an error: invalid arguments, or the handler threw. */
  isError?: boolean | undefined;
  /** The invocation as the API sent it. */
  invocation: ToolInvocation;
}

/**
 * Options of {@linkcode Agent.sendMessage}.
 *
 * @example
 * ```ts
 * import type { SendMessageOptions } from "@inferencesh/sdk";
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
  /** Files to attach; images among them (by content type) are sent as images. */
  files?: ReadonlyArray<Attachment> | undefined;
  /** Images to attach. */
  images?: ReadonlyArray<Attachment> | undefined;
}

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

/** What an agent needs from `client.files`. */
export interface Uploader {
  upload(
    data: Blob,
    options?: {
      filename?: string | undefined;
      contentType?: string | undefined;
      signal?: AbortSignal | undefined;
    },
  ): Promise<{ uri: string; "content_type"?: string | undefined }>;
}

/** How an {@linkcode Agent} is set up (internal; see `client.agents.create`). */
export interface AgentInit {
  http: HttpClient;
  files: Uploader | undefined;
  agent: NormalizedAgent;
  /** `agent_name` to send. */
  name: string | undefined;
  /** Per-chat `context` values. */
  context: Record<string, string> | undefined;
  /** An existing chat to continue. */
  chatId: string | undefined;
  random: () => number;
}

/** How an agent follows a chat: the reconnect settings plus the transport. */
interface FollowSettings extends ReconnectSettings {
  stream: boolean;
  pollIntervalMs: number;
}

/** What a follower of one turn (or subscription) is told besides its settings. */
interface FollowHooks {
  signal: AbortSignal;
  /** Re-read the chat once the stream is up (a chat created just before). */
  reconcileFirst: boolean;
  /** The `order` from which messages matter, when they have to be listed. */
  messagesFrom?: (() => number | undefined) | undefined;
  /** Polling: whether to read the chat even though its status says nothing new. */
  mustRead?: (() => boolean) | undefined;
  /** Polling: whether the messages of the first read are reported (a turn's are its own). */
  reportFirst: boolean;
}

const DISPATCHED_STATUSES: ReadonlySet<string> = new Set([
  "in_progress",
  "awaiting_input",
  "awaiting_approval",
]);

/**
 * A conversation with one agent. Create it with `client.agents.create()`.
 *
 * Each {@linkcode Agent.sendMessage} follows its turn over the chat stream, runs
 * client tools whose handlers you gave, reconnects when the stream drops
 * (re-reading the chat, so nothing is missed and no text is doubled), and closes
 * the stream when the turn ends. With `stream: false` (an option, or the
 * client's) it follows the turn by polling instead, for places that cut long
 * responses.
 *
 * @typeParam Output The structured output's type (from a Standard Schema `outputSchema`).
 *
 * @example Chat with a template agent
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const agent = client.agents.create("my-org/assistant@abc123");
 * const reply = await agent.sendMessage("Hello!", {
 *   onDelta: (delta) => console.log(delta.delta.response),
 * });
 * console.log(reply.text);
 * emulator.close();
 * ```
 */
export class Agent<Output = unknown> {
  readonly #http: HttpClient;
  readonly #files: Uploader | undefined;
  readonly #agent: NormalizedAgent;
  readonly #name: string | undefined;
  readonly #context: Record<string, string> | undefined;
  readonly #random: () => number;
  #chatId: string | undefined;
  #lifetime = new AbortController();
  #busy = false;
  /** Invocation ids already handed to a handler or to `onToolCall` (once each). */
  readonly #dispatched = new Set<string>();

  /** Created by `client.agents.create()`. */
  constructor(init: AgentInit) {
    this.#http = init.http;
    this.#files = init.files;
    this.#agent = init.agent;
    this.#name = init.name;
    this.#context = init.context;
    this.#chatId = init.chatId;
    this.#random = init.random;
  }

  /**
   * The current chat's id: set by the first message, cleared by {@linkcode Agent.reset}.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * const agent = inference({ apiKey: "inf_..." }).agents.create("my-org/assistant@abc123");
   * console.log(agent.chatId); // undefined until the first message
   * ```
   */
  get chatId(): string | undefined {
    return this.#chatId;
  }

  /**
   * Sends a message and follows the turn to its end: resolves with the final
   * assistant message, its text and (with an output schema) the parsed, validated
   * output. Client tools with handlers run as the model calls them. Rejects with
   * {@linkcode AgentTurnError} when the agent fails or the turn is stopped, with
   * {@linkcode OutputValidationError} when the output does not match the schema,
   * and with `signal.reason` when `signal` aborts (the turn is then stopped on the
   * server too). When the stream (or, with `stream: false`, polling) keeps
   * failing, rejects with the last error after `maxReconnects` tries in a row.
   * One turn at a time per agent.
   *
   * @param text The message.
   * @param options Callbacks, attachments, abort signal, stream settings.
   * @returns The reply.
   *
   * @example Stream the reply
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const agent = client.agents.create({ coreApp: "infsh/emulated-llm", systemPrompt: "Be brief." });
   * const reply = await agent.sendMessage("Hi there", {
   *   onDelta: (_delta, soFar) => console.log(soFar.response),
   *   onMessage: (message) => console.log(message.role, message.status),
   * });
   * console.log(reply.text);
   * emulator.close();
   * ```
   *
   * @example Poll instead of streaming (e.g. in a Worker)
   * ```ts
   * import { inference, string, tool } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch, stream: false });
   * const agent = client.agents.create({
   *   coreApp: "infsh/emulated-llm",
   *   tools: [tool("get_weather").params({ city: string("City") }).handler(() => "21°C").build()],
   * });
   * const reply = await agent.sendMessage("What is the weather in Rome?", {
   *   pollIntervalMs: 50,
   *   onMessage: (message) => console.log(message.role, message.status), // changes only
   * });
   * console.log(reply.text);
   * emulator.close();
   * ```
   */
  async sendMessage(text: string, options: SendMessageOptions = {}): Promise<AgentReply<Output>> {
    if (typeof text !== "string") throw new TypeError("Invalid argument 'text': must be a string");
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Invalid argument 'options': must be an object");
    }
    for (const name of ["onMessage", "onChat", "onDelta", "onToolCall"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new TypeError(`Invalid option '${name}': must be a function`);
      }
    }
    const files = checkAttachments(options.files, "files");
    const images = checkAttachments(options.images, "images");
    if (text.trim() === "" && files.length === 0 && images.length === 0) {
      throw new TypeError("Invalid argument 'text': must not be empty (or attach files)");
    }
    const settings = this.#settings(options);
    if (this.#busy) {
      throw new TypeError(
        "Cannot send message: this agent's previous turn is still running; await it (or stop it) first",
      );
    }
    this.#busy = true;
    const turn = new AbortController();
    const lifetime = this.#lifetime.signal;
    const link = linkSignals([options.signal, lifetime]);
    const onAbort = (): void => turn.abort(link.signal.reason);
    link.signal.addEventListener("abort", onAbort, { once: true });
    if (link.signal.aborted) onAbort();
    const request = { timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries };
    let chatId = this.#chatId;
    let events: AsyncGenerator<ChatEvent, void, undefined> | undefined;
    // Known once the POST answers; the follower asks for them when it reads the chat.
    let userOrder: number | undefined;
    let gate: TurnGate | undefined;
    try {
      const uploaded = await this.#attach(files, images, turn.signal);
      const newChat = chatId === undefined;
      const follow = (id: string, reconcileFirst: boolean) =>
        this.#follow(id, settings, {
          signal: turn.signal,
          reconcileFirst,
          reportFirst: true,
          messagesFrom: () => userOrder,
          mustRead: () => gate?.settled !== true,
        });
      if (chatId !== undefined) {
        // Open the stream first, so nothing the POST causes is missed (protocol §6.3).
        events = follow(chatId, false);
        await events.next();
      }
      const created = await postMessage(this.#http, this.#body(text, uploaded), {
        ...request,
        signal: turn.signal,
      });
      const user = created["user_message"];
      const assistant = created["assistant_message"];
      if (typeof user?.order === "number") userOrder = user.order;
      gate = new TurnGate(newChat, assistant?.id, user);
      if (chatId === undefined) {
        // A queued first message may come without an assistant message (§9 A6).
        chatId = assistant?.["chat_id"] ?? user?.["chat_id"];
        if (typeof chatId !== "string" || chatId === "") {
          throw new InferenceError("Cannot send message: the API's answer names no chat");
        }
        this.#chatId = chatId;
        events = follow(chatId, true);
      }
      return await this.#followTurn(
        events as AsyncGenerator<ChatEvent, void, undefined>,
        chatId,
        gate,
        user,
        options,
        turn,
      );
    } catch (error) {
      turn.abort(error);
      events?.return().catch(() => {});
      if (options.signal?.aborted) {
        // The caller gave up on the turn: stop it on the server too.
        if (chatId !== undefined) {
          await stopChat(this.#http, chatId, { maxRetries: 1, timeoutMs: 5_000 }).catch(() => {});
        }
        throw options.signal.reason;
      }
      if (lifetime.aborted) throw lifetime.reason;
      throw error;
    } finally {
      turn.abort();
      link.signal.removeEventListener("abort", onAbort);
      link.dispose();
      this.#busy = false;
    }
  }

  async #followTurn(
    events: AsyncGenerator<ChatEvent, void, undefined>,
    chatId: string,
    gate: TurnGate,
    user: ChatMessage | undefined,
    options: SendMessageOptions,
    turn: AbortController,
  ): Promise<AgentReply<Output>> {
    const messages = new Map<string, ChatMessage>();
    const accumulated = new Map<string, AccumulatedDelta>();
    const userOrder = typeof user?.order === "number" ? user.order : undefined;
    let chat: Chat = { id: chatId, status: "" };
    // Whether the last chat seen (not a run update) was idle: its `output` is then this turn's.
    let idleChatSeen = false;
    let fail: (error: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    failed.catch(() => {});
    const track = (work: Promise<unknown>): void => {
      work.catch((error: unknown) => fail(error));
    };
    let latestUser = user;
    // Messages whose text is final: later deltas for them are stale replays.
    const finished = new Set<string>();
    // When deltas were lost (the stream dropped and the server did not replay
    // them), one last delta without `seq` carries the rest of the final text, so
    // the deltas add up to the message whenever the streamed text is its start.
    const catchUp = (message: ChatMessage): void => {
      if (message.status !== "ready" || finished.has(message.id)) return;
      finished.add(message.id);
      const text = textOf(message);
      let soFar = accumulated.get(message.id);
      const have = soFar?.response ?? "";
      if (text.length <= have.length || !text.startsWith(have)) return;
      if (!soFar) accumulated.set(message.id, soFar = emptyDelta());
      const delta: ChatDelta = {
        delta: { response: text.slice(have.length) },
        "resource_id": message.id,
      };
      accumulateDelta(soFar, delta.delta);
      options.onDelta?.(delta, soFar);
    };

    while (!gate.ended) {
      const step = await Promise.race([events.next(), failed]);
      if (step.done) throw new InferenceError(`Cannot follow chat "${chatId}": the stream ended`);
      const event = step.value;
      switch (event.kind) {
        case "chat":
          chat = event.chat;
          options.onChat?.(chat);
          idleChatSeen = gate.observeChat(event.data) && !isChatBusy(event.data);
          break;
        case "run":
          chat = event.chat;
          options.onChat?.(chat);
          gate.observeChat({ "active_run": event.run });
          break;
        case "message": {
          const message = event.message;
          messages.set(message.id, message);
          if (message.id === user?.id) latestUser = message;
          const ofThisTurn = userOrder === undefined || message.id === user?.id ||
            (typeof message.order === "number" && message.order >= userOrder);
          if (
            gate.assistantId === undefined && ofThisTurn && message.role === "assistant"
          ) {
            gate.assistantId = message.id;
          }
          if (ofThisTurn && message.id === gate.assistantId) catchUp(message);
          if (ofThisTurn) options.onMessage?.(message);
          this.#dispatch(message, chatId, options, turn.signal, track);
          gate.observeMessage(message);
          break;
        }
        case "delta": {
          const delta = event.delta;
          const id = delta["resource_id"];
          if (finished.has(id)) break;
          let soFar = accumulated.get(id);
          if (!soFar) accumulated.set(id, soFar = emptyDelta());
          accumulateDelta(soFar, delta.delta);
          options.onDelta?.(delta, soFar);
          break;
        }
      }
    }
    // The turn is over: close the stream now, not at the next message (§9 A10).
    await events.return();
    turn.abort();
    const request = {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    };
    return await this.#reply(chatId, gate, latestUser, chat, messages, idleChatSeen, request);
  }

  /** Builds the reply from what the stream said, re-reading the chat if it missed the end. */
  async #reply(
    chatId: string,
    gate: TurnGate,
    user: ChatMessage | undefined,
    seen: Chat,
    messages: Map<string, ChatMessage>,
    idleChatSeen: boolean,
    request: RequestOptions,
  ): Promise<AgentReply<Output>> {
    let chat = seen;
    const find = (list: Iterable<ChatMessage>): ChatMessage | undefined => {
      if (gate.assistantId !== undefined) {
        for (const message of list) if (message.id === gate.assistantId) return message;
        return undefined;
      }
      let latest: ChatMessage | undefined;
      for (const message of list) {
        if (message.role !== "assistant") continue;
        if (user?.order !== undefined && message.order < user.order) continue;
        if (!latest || message.order > latest.order) latest = message;
      }
      return latest;
    };
    let message = find(messages.values());
    // The turn usually ends on the run's completion, just before the idle chat that
    // carries the output: then the output is read with the chat (a template may
    // have an output schema this side does not know of).
    const mayHaveOutput = this.#agent.hasOutputSchema || "agent" in this.#agent.body;
    const missingOutput = mayHaveOutput && !idleChatSeen;
    if (!message || !FINAL_MESSAGE_STATUSES.has(String(message.status)) || missingOutput) {
      const current = await readChat(this.#http, chatId, request, user?.order);
      chat = { ...chat, ...current };
      message = find(current["chat_messages"] ?? []) ?? message;
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
    let output: unknown = chat.output ?? undefined;
    const schema = this.#agent.outputSchema;
    if (schema) {
      const result = await schema["~standard"].validate(output);
      if (result.issues !== undefined) {
        throw new OutputValidationError(
          `Cannot read the output of chat "${chatId}": it does not match the output schema: ${
            output === undefined ? "no output was produced" : describeIssues(result.issues)
          }`,
          chatId,
          output,
          result.issues,
        );
      }
      output = result.value;
    }
    return {
      chatId,
      message,
      text: textOf(message),
      output: output as Output,
      userMessage: user,
      chat,
    };
  }

  /** Runs (or reports) the client tool calls of a message, once per invocation. */
  #dispatch(
    message: ChatMessage,
    chatId: string,
    options: SendMessageOptions,
    signal: AbortSignal,
    track: (work: Promise<unknown>) => void,
  ): void {
    const invocations = message["tool_invocations"];
    if (!Array.isArray(invocations)) return;
    for (const invocation of invocations) {
      if (invocation?.type !== "client" || !DISPATCHED_STATUSES.has(String(invocation.status))) {
        continue;
      }
      if (typeof invocation.id !== "string" || this.#dispatched.has(invocation.id)) continue;
      this.#dispatched.add(invocation.id);
      const name = String(invocation.function?.name ?? "");
      const tool = this.#agent.clientTools.get(name);
      const requiresApproval = tool?.["require_approval"] === true ||
        invocation.status === "awaiting_approval";
      const call: ToolCall = {
        id: invocation.id,
        name,
        args: argumentsOf(invocation),
        handled: false,
        requiresApproval,
        invocation,
      };
      if (!tool?.handler || requiresApproval) {
        if (options.onToolCall) {
          // Left to the caller, who answers with submitToolResult().
          track(Promise.resolve().then(() => options.onToolCall?.(call)));
        } else {
          // Nobody here can answer it: tell the model so, rather than leave the turn
          // waiting forever for a result that cannot come.
          const result = JSON.stringify({
            status: "not_available",
            message: `Client tool "${name}" ${
              requiresApproval ? "needs approval" : "has no handler"
            } and no onToolCall was given to answer it`,
          });
          track(submitToolResult(this.#http, call.id, result, { signal }));
        }
        continue;
      }
      track(this.#runTool(tool, call, chatId, options, signal));
    }
  }

  async #runTool(
    tool: ClientTool,
    call: ToolCall,
    chatId: string,
    options: SendMessageOptions,
    signal: AbortSignal,
  ): Promise<void> {
    let result: string;
    let isError = false;
    try {
      const value = await tool.handler!(call.args, {
        id: call.id,
        name: call.name,
        chatId,
        signal,
      });
      result = value === undefined ? "" : resultText(value, `result of tool "${call.name}"`);
    } catch (error) {
      if (signal.aborted) return;
      // The model reads the failure and may try again; the turn goes on.
      isError = true;
      const reason = error instanceof Error ? error.message : String(error);
      result = JSON.stringify({
        error: reason.startsWith("Invalid arguments")
          ? reason
          : `Tool "${call.name}" failed: ${reason}`,
      });
    }
    if (signal.aborted) return;
    await submitToolResult(this.#http, call.id, result, { signal });
    await options.onToolCall?.({ ...call, handled: true, result, isError });
  }

  /**
   * Reads the chat: status, messages, output. `null` when there is no chat yet.
   * When the API leaves the messages out of the chat, they are listed
   * (`GET /chats/{id}/messages`, page after page; the latest 1000 at most).
   *
   * @param chatId Another chat to read; defaults to this agent's.
   * @param options Abort signal and per-call limits.
   * @returns The chat, or `null`.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const agent = inference({ apiKey: "test", fetch: emulator.fetch }).agents.create("my-org/assistant@abc123");
   * await agent.sendMessage("Hello");
   * const chat = await agent.getChat();
   * console.log(chat?.chat_messages?.map((m) => m.role));
   * emulator.close();
   * ```
   */
  async getChat(chatId?: string, options: RequestOptions = {}): Promise<Chat | null> {
    const id = chatId ?? this.#chatId;
    if (id === undefined) return null;
    return await readChat(this.#http, id, options, -Infinity);
  }

  /**
   * Stops the running turn of the chat (`POST /chats/{id}/stop`). A pending
   * `sendMessage` then rejects with an {@linkcode AgentTurnError} (`code`
   * `"cancelled"`). Does nothing when there is no chat yet.
   *
   * @param chatId Another chat to stop; defaults to this agent's.
   * @param options Abort signal and per-call limits.
   *
   * @example
   * ```ts
   * import { AgentTurnError, inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 5 });
   * const agent = inference({ apiKey: "test", fetch: emulator.fetch }).agents.create("my-org/assistant@abc123");
   * const turn = agent.sendMessage("Tell me a long story", {
   *   onDelta: () => void agent.stopChat(),
   * });
   * await turn.catch((error) => console.log(error instanceof AgentTurnError && error.code));
   * emulator.close();
   * ```
   */
  async stopChat(chatId?: string, options: RequestOptions = {}): Promise<void> {
    const id = chatId ?? this.#chatId;
    if (id === undefined) return;
    await stopChat(this.#http, id, options);
  }

  /**
   * Answers a client tool call the SDK did not run itself (no handler, or the
   * tool needs approval): `POST /tools/{id}` with `{"result": "<string>"}`. A
   * string is sent as is; an object (a widget action `{ action, form_data }`, or
   * any JSON value) is sent as JSON text.
   *
   * @param toolId The invocation id (`ToolCall.id`).
   * @param resultOrAction The result.
   * @param options Abort signal and per-call limits.
   *
   * @example
   * ```ts
   * import { inference, string, tool } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const agent = client.agents.create({
   *   coreApp: "infsh/emulated-llm",
   *   tools: [tool("get_weather").params({ city: string("City") }).requireApproval().build()],
   * });
   * const reply = await agent.sendMessage("What is the weather in Oslo?", {
   *   onToolCall: (call) => agent.submitToolResult(call.id, JSON.stringify({ temp: 3 })),
   * });
   * console.log(reply.text);
   * emulator.close();
   * ```
   */
  async submitToolResult(
    toolId: string,
    resultOrAction: string | ToolAction | Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<void> {
    await submitToolResult(this.#http, toolId, resultOrAction, options);
  }

  /**
   * Follows the chat's messages: an async iterable of each message, merged, as
   * it changes, across turns, until you `break` (which closes the stream),
   * `signal` aborts (it then throws `signal.reason`), or the agent disconnects (it
   * then ends). Reconnects like `sendMessage`, and polls like it with `stream:
   * false`. Does not run client tools.
   *
   * @param chatId Another chat; defaults to this agent's (which must exist).
   * @param options Abort signal and stream settings.
   * @returns The messages.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const agent = inference({ apiKey: "test", fetch: emulator.fetch }).agents.create("my-org/assistant@abc123");
   * await agent.sendMessage("Hello");
   * const watching = (async () => {
   *   for await (const message of agent.streamMessages()) {
   *     if (message.role === "assistant" && message.status === "ready") break;
   *   }
   * })();
   * await agent.sendMessage("Again");
   * await watching;
   * emulator.close();
   * ```
   */
  async *streamMessages(
    chatId?: string,
    options: ChatStreamOptions = {},
  ): AsyncGenerator<ChatMessage, void, undefined> {
    for await (const event of this.#subscribe(chatId, options)) {
      if (event.kind === "message") yield event.message;
    }
  }

  /**
   * Follows the chat itself: an async iterable of the chat (status, run,
   * output) each time it changes, until you `break`, `signal` aborts or the agent
   * disconnects. Reconnects like `sendMessage`, and polls like it with `stream:
   * false`.
   *
   * @param chatId Another chat; defaults to this agent's (which must exist).
   * @param options Abort signal and stream settings.
   * @returns The chat snapshots.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const agent = inference({ apiKey: "test", fetch: emulator.fetch }).agents.create("my-org/assistant@abc123");
   * await agent.sendMessage("Hello");
   * for await (const chat of agent.streamChat()) {
   *   console.log(chat.status); // "idle": the snapshot sent on connect
   *   break;
   * }
   * emulator.close();
   * ```
   */
  async *streamChat(
    chatId?: string,
    options: ChatStreamOptions = {},
  ): AsyncGenerator<Chat, void, undefined> {
    for await (const event of this.#subscribe(chatId, options)) {
      if (event.kind === "chat" || event.kind === "run") yield event.chat;
    }
  }

  async *#subscribe(
    chatId: string | undefined,
    options: ChatStreamOptions,
  ): AsyncGenerator<ChatEvent, void, undefined> {
    const id = chatId ?? this.#chatId;
    if (id === undefined) {
      throw new TypeError(
        "Invalid argument 'chatId': this agent has no chat yet; send a message first or pass a chat id",
      );
    }
    const settings = this.#settings(options);
    const lifetime = this.#lifetime.signal;
    const link = linkSignals([options.signal, lifetime]);
    try {
      yield* this.#follow(id, settings, {
        signal: link.signal,
        reconcileFirst: false,
        reportFirst: false,
      });
    } catch (error) {
      // A disconnect ends the subscription quietly; the caller's own abort is thrown.
      if (lifetime.aborted && !options.signal?.aborted) return;
      throw error;
    } finally {
      link.dispose();
    }
  }

  /**
   * Closes this agent's streams: a pending `sendMessage` rejects with an
   * `AbortError`, and `streamMessages`/`streamChat` loops end. Local only: a turn
   * already running on the server goes on (use {@linkcode Agent.stopChat}). The
   * agent stays usable, in the same chat.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * const agent = inference({ apiKey: "inf_..." }).agents.create("my-org/assistant@abc123");
   * agent.disconnect();
   * ```
   */
  disconnect(): void {
    this.#lifetime.abort(new DOMException("The agent was disconnected", "AbortError"));
    this.#lifetime = new AbortController();
  }

  /**
   * Starts a new conversation: disconnects, then forgets the chat, so the next
   * message starts a new chat. Local only.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const agent = inference({ apiKey: "test", fetch: emulator.fetch }).agents.create("my-org/assistant@abc123");
   * const first = await agent.sendMessage("Hello");
   * agent.reset();
   * const second = await agent.sendMessage("Hello again");
   * console.log(first.chatId !== second.chatId); // true
   * emulator.close();
   * ```
   */
  reset(): void {
    this.disconnect();
    this.#chatId = undefined;
    this.#dispatched.clear();
  }

  #settings(options: ChatStreamOptions): FollowSettings {
    const defaults = this.#http.config;
    if (options.stream !== undefined && typeof options.stream !== "boolean") {
      throw new TypeError("Invalid option 'stream': must be a boolean");
    }
    return {
      ...reconnectSettings(options, defaults, this.#random),
      stream: options.stream ?? defaults.stream,
      pollIntervalMs: delay("pollIntervalMs", options.pollIntervalMs, defaults.pollIntervalMs),
    };
  }

  /** Follows the chat over its stream, or by polling. */
  #follow(
    chatId: string,
    settings: FollowSettings,
    hooks: FollowHooks,
  ): AsyncGenerator<ChatEvent, void, undefined> {
    return settings.stream
      ? followChat(this.#http, chatId, { ...settings, ...hooks })
      : pollChat(this.#http, chatId, { ...settings, ...hooks });
  }

  /** The body of `POST /agents/run` (protocol §6.2). */
  #body(text: string, uploaded: { images: string[]; files: string[] }): Record<string, unknown> {
    const body: Record<string, unknown> = { "chat_id": this.#chatId ?? null, ...this.#agent.body };
    const name = this.#name ?? this.#agent.name;
    if (name !== undefined) body["agent_name"] = name;
    if (this.#context !== undefined) body.context = { ...this.#context };
    const input: Record<string, unknown> = {
      text,
      role: "user",
      context: [],
      "system_prompt": "",
      "context_size": 0,
    };
    if (uploaded.images.length > 0) input.images = uploaded.images;
    if (uploaded.files.length > 0) input.files = uploaded.files;
    body.input = input;
    return body;
  }

  /** Uploads Blobs and sorts every attachment into image and file URIs. */
  async #attach(
    files: Attachment[],
    images: Attachment[],
    signal: AbortSignal,
  ): Promise<{ images: string[]; files: string[] }> {
    const out = { images: [] as string[], files: [] as string[] };
    const place = async (attachment: Attachment, asImage: boolean): Promise<void> => {
      let uri: string;
      let type: string | undefined;
      if (typeof attachment === "string") {
        uri = attachment;
      } else if (attachment instanceof Blob) {
        if (!this.#files || typeof this.#files.upload !== "function") {
          throw new TypeError("Cannot attach a Blob: this client cannot upload files");
        }
        const name = (attachment as { name?: unknown }).name;
        const file = await this.#files.upload(attachment, {
          filename: typeof name === "string" && name !== "" ? name : undefined,
          contentType: attachment.type || undefined,
          signal,
        });
        uri = file.uri;
        type = file["content_type"] ?? attachment.type;
      } else {
        uri = attachment.uri;
        type = attachment["content_type"];
      }
      (asImage || (type ?? "").startsWith("image/") ? out.images : out.files).push(uri);
    };
    for (const attachment of images) await place(attachment, true);
    for (const attachment of files) await place(attachment, false);
    return out;
  }
}

function checkAttachments(value: unknown, field: string): Attachment[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`Invalid option '${field}': must be an array`);
  return value.map((item, index) => {
    if (typeof item === "string" && item !== "") return item;
    if (typeof Blob !== "undefined" && item instanceof Blob) return item;
    if (
      typeof item === "object" && item !== null &&
      typeof (item as { uri?: unknown }).uri === "string"
    ) {
      return item as Attachment;
    }
    throw new TypeError(
      `Invalid option '${field}[${index}]': must be a Blob, a URI string or an object with a string 'uri'`,
    );
  });
}

function argumentsOf(invocation: ToolInvocation): Record<string, unknown> {
  const raw = invocation.function?.arguments as unknown;
  if (typeof raw === "string") {
    try {
      return JSON.parse(raw);
    } catch {
      return raw as unknown as Record<string, unknown>;
    }
  }
  return (raw ?? {}) as Record<string, unknown>;
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
