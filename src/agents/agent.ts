/**
 * One conversation with an agent: send messages, follow each turn (over the
 * chat stream, or by polling) to its end, run client tools, read the structured
 * output. The facade over the turn (`turn.ts`), the tool runner
 * (`tool_runner.ts`), attachments (`attachments.ts`) and subscriptions
 * (`subscription.ts`).
 *
 * @module
 */

import { InferenceError } from "../errors.ts";
import type { HttpClient, RequestOptions } from "../http/core.ts";
import { linkSignals } from "../http/signals.ts";
import type { NormalizedAgent } from "./agent_config.ts";
import {
  type ChatStreamOptions,
  checkMessage,
  type FollowSettings,
  followSettings,
  type SendMessageOptions,
} from "./agent_options.ts";
import { attach, type FileRef, type Uploader } from "./attachments.ts";
import {
  type CreatedMessages,
  postMessage,
  stopChat,
  submitToolResult,
  type ToolAction,
} from "./chat_api.ts";
import { readChat } from "./chat_read.ts";
import { type ChatEvent, followChat } from "./chat_stream.ts";
import { chatsOf, messagesOf, subscribe } from "./subscription.ts";
import { ToolRunner, type TurnTools } from "./tool_runner.ts";
import { type AgentReply, Turn } from "./turn.ts";
import type { Chat, ChatMessage } from "./types.ts";

export type { ChatStreamOptions, SendMessageOptions } from "./agent_options.ts";
export type { Attachment, Uploader } from "./attachments.ts";
export type { ToolCall } from "./tool_runner.ts";
export type { AgentReply } from "./turn.ts";

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
  readonly #tools: ToolRunner;
  #chatId: string | undefined;
  #lifetime = new AbortController();
  #busy = false;
  /** A stop still on its way for an aborted turn; the next message waits for it. */
  #stopping: Promise<void> | undefined;

  /**
   * Created by `client.agents.create()`.
   *
   * @ignore
   */
  constructor(init: AgentInit) {
    this.#http = init.http;
    this.#files = init.files;
    this.#agent = init.agent;
    this.#name = init.name;
    this.#context = init.context;
    this.#chatId = init.chatId;
    this.#random = init.random;
    this.#tools = new ToolRunner(init.http, init.agent.clientTools);
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
   * and at once with `signal.reason` when `signal` aborts: the turn is then
   * stopped on the server in the background (`POST /chats/{id}/stop`, two
   * tries of 5 s and 15 s at most, sent once the message's own POST has
   * answered; the next message waits for it). When a tool result cannot be submitted (or
   * `onToolCall` rejects), the turn is stopped on the server before the call
   * rejects with that error, since the agent would wait for it forever. When
   * the stream (or, with `stream: false`, polling) keeps failing, rejects with
   * the last error after `maxReconnects` tries in a row. One turn at a time per
   * agent.
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
    const { files, images } = checkMessage(text, options);
    const settings = this.#settings(options);
    if (this.#busy) {
      throw new TypeError(
        "Cannot send message: this agent's previous turn is still running; await it (or stop it) first",
      );
    }
    this.#busy = true;
    const lifetime = this.#lifetime.signal;
    // Aborted by the caller's signal or a disconnect, and once the turn is over.
    const abort = new AbortController();
    const link = linkSignals([options.signal, lifetime]);
    const onAbort = (): void => abort.abort(link.signal.reason);
    link.signal.addEventListener("abort", onAbort, { once: true });
    if (link.signal.aborted) onAbort();
    // Every wait of the turn ends at once when it is aborted.
    const interrupted = rejectOnAbort(abort.signal);
    const request = { timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries };
    let chatId = this.#chatId;
    let events: AsyncGenerator<ChatEvent, void, undefined> | undefined;
    let posted: Promise<CreatedMessages> | undefined;
    let turn: Turn<Output> | undefined;
    let tools: TurnTools | undefined;
    const follow = (id: string, reconcileFirst: boolean) =>
      this.#follow(id, settings, {
        signal: abort.signal,
        reconcileFirst,
        reportFirst: true,
        messagesFrom: () => turn?.userOrder,
        mustRead: () => turn?.settled !== true,
      });
    try {
      abort.signal.throwIfAborted();
      const attachments = await Promise.race([
        attach(this.#files, files, images, abort.signal),
        interrupted,
      ]);
      // A stop sent for an aborted turn lands before this message, not after it.
      if (this.#stopping) await Promise.race([this.#stopping, interrupted]);
      if (chatId !== undefined) {
        // Open the stream first, so nothing the POST causes is missed (docs/protocol.md §7.5).
        events = follow(chatId, false);
        await Promise.race([events.next(), interrupted]);
      }
      // Not aborted by the caller: once sent, the message may start a turn that
      // must then be stopped, and only the answer names a new chat.
      posted = postMessage(this.#http, this.#body(text, attachments), {
        ...request,
        signal: lifetime,
      });
      const created = await Promise.race([posted, interrupted]);
      const newChat = chatId === undefined;
      chatId ??= chatOf(created);
      turn = new Turn<Output>({
        http: this.#http,
        chatId,
        newChat,
        created,
        callbacks: options,
        outputSchema: this.#agent.outputSchema,
        mayHaveOutput: this.#agent.hasOutputSchema || "agent" in this.#agent.body,
      });
      if (newChat) {
        this.#chatId = chatId;
        events = follow(chatId, true);
      }
      tools = this.#tools.forTurn({ chatId, onToolCall: options.onToolCall, signal: abort.signal });
      while (!turn.ended) {
        const step = await Promise.race([events!.next(), tools.failure, interrupted]);
        if (step.done) throw new InferenceError(`Cannot follow chat "${chatId}": the stream ended`);
        turn.apply(step.value);
        if (step.value.kind === "message") tools.dispatch(step.value.message);
      }
      // The turn is over: close the stream now, not at the next message (docs/protocol.md §10 A10).
      await events!.return();
      abort.abort();
      return await turn.result({ ...request, signal: options.signal });
    } catch (error) {
      const running = turn?.ended !== true;
      abort.abort(error);
      events?.return().catch(() => {});
      if (options.signal?.aborted) {
        // The caller gave up on the turn: stop it on the server too, in the
        // background, once the POST has answered (nothing runs if it was never sent).
        if (running && posted !== undefined) this.#stopLater(chatId, posted);
        throw options.signal.reason;
      }
      if (lifetime.aborted) throw lifetime.reason;
      if (tools?.failed && chatId !== undefined) {
        // The agent waits for a tool result that will not come: stop the turn on
        // the server before rejecting (bounded; the caller may still abort).
        await Promise.race([this.#stopLater(chatId, undefined), rejectOnAbort(link.signal)])
          .catch(() => {});
        if (options.signal?.aborted) throw options.signal.reason;
        if (lifetime.aborted) throw lifetime.reason;
      }
      throw this.#http.redact(error);
    } finally {
      abort.abort();
      link.signal.removeEventListener("abort", onAbort);
      link.dispose();
      this.#busy = false;
    }
  }

  /**
   * Stops the chat's turn in the background, bounded (two tries of 5 s, 15 s at most), once
   * the POST of its message (when given) has answered: the POST may be what
   * names the chat, and a stop that overtook it would stop nothing. The next
   * message waits for it. Never rejects.
   */
  #stopLater(
    chatId: string | undefined,
    posted: Promise<CreatedMessages> | undefined,
  ): Promise<void> {
    const http = this.#http;
    const previous = this.#stopping;
    const stopping = (async () => {
      await previous;
      const created = await posted?.catch(() => undefined);
      const id = chatId ?? (created ? chatOf(created, false) : undefined);
      if (id === undefined) return;
      // Two tries of 5 s, and a hard end (a token provider that never answers).
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new DOMException("The stop took too long", "TimeoutError")),
        STOP_DEADLINE_MS,
      );
      try {
        await stopChat(http, id, { ...STOP_LIMITS, signal: deadline.signal });
      } catch {
        // Best effort: the caller has its answer already.
      } finally {
        clearTimeout(timer);
      }
    })().finally(() => {
      if (this.#stopping === stopping) this.#stopping = undefined;
    });
    this.#stopping = stopping;
    return stopping;
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
    try {
      yield* messagesOf(this.#subscribe(chatId, options));
    } catch (error) {
      throw this.#http.redact(error);
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
    try {
      yield* chatsOf(this.#subscribe(chatId, options));
    } catch (error) {
      throw this.#http.redact(error);
    }
  }

  /** The events of a chat for a subscription; throws when there is no chat to follow. */
  #subscribe(
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
    const open = (signal: AbortSignal) =>
      this.#follow(id, settings, { signal, reconcileFirst: false, reportFirst: false });
    return subscribe(open, options.signal, this.#lifetime.signal);
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
    this.#stopping = undefined; // a stop of the old chat cannot touch the new one
    this.#tools.clear();
  }

  #settings(options: ChatStreamOptions): FollowSettings {
    return followSettings(options, this.#http.config, this.#random);
  }

  /** Follows the chat over its stream (falling back to polling), or by polling. */
  #follow(
    chatId: string,
    settings: FollowSettings,
    hooks: FollowHooks,
  ): AsyncGenerator<ChatEvent, void, undefined> {
    return followChat(this.#http, chatId, { ...settings, ...hooks });
  }

  /** The body of `POST /agents/run` (docs/protocol.md §7.2; files go as `input.attachments`). */
  #body(text: string, attachments: FileRef[]): Record<string, unknown> {
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
    if (attachments.length > 0) input.attachments = attachments;
    body.input = input;
    return body;
  }
}

/** How long a stop sent on the caller's behalf may take: two tries of 5 s. */
const STOP_LIMITS = { maxRetries: 1, timeoutMs: 5_000 } as const;
/** The hard end of such a stop, whatever happens: the tries plus the backoff between them. */
const STOP_DEADLINE_MS = 15_000;

/** The chat a first message started, as the answer of `POST /agents/run` names it. */
function chatOf(created: CreatedMessages): string;
function chatOf(created: CreatedMessages, required: false): string | undefined;
function chatOf(created: CreatedMessages, required = true): string | undefined {
  // A queued first message may come without an assistant message (docs/protocol.md §10 A6).
  const chatId = created["assistant_message"]?.["chat_id"] ?? created["user_message"]?.["chat_id"];
  if (typeof chatId === "string" && chatId !== "") return chatId;
  if (!required) return undefined;
  throw new InferenceError("Cannot send message: the API's answer names no chat");
}

/** A promise that rejects with the signal's reason once it aborts (never resolves). */
function rejectOnAbort(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  return aborted;
}
