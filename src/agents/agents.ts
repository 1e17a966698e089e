/**
 * The agents resource: `client.agents.create()` makes an {@linkcode Agent} from a
 * template reference or an ad-hoc configuration.
 *
 * @module
 */

import type { Files } from "../files/files.ts";
import type { HttpClient, RequestOptions } from "../http/core.ts";
import { Agent } from "./agent.ts";
import { normalizeAgent } from "./agent_config.ts";
import { submitToolResult, type ToolAction } from "./chat_api.ts";
import type { AgentConfig, Chat } from "./types.ts";
import { type ChatWaitOptions, waitForChat } from "./wait_chat.ts";

/**
 * Options of `client.agents.create()`.
 *
 * @example
 * ```ts
 * import type { CreateAgentOptions } from "@inferencesh/sdk/types";
 * const options: CreateAgentOptions = { name: "support-bot", context: { tenant: "t1" } };
 * ```
 */
export interface CreateAgentOptions {
  /** `agent_name` sent with each message; defaults to the config's `name`. */
  name?: string | undefined;
  /** Values of the agent's declared context fields, sent with each message. */
  context?: Record<string, string> | undefined;
  /** Continue this existing chat instead of starting a new one. */
  chatId?: string | undefined;
}

/**
 * Chat with hosted agents. Reach it as `client.agents`.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const agent = client.agents.create("my-org/assistant@abc123");
 * console.log((await agent.sendMessage("Hello!")).text);
 * emulator.close();
 * ```
 */
export class Agents {
  readonly #http: HttpClient;
  readonly #files: Files;
  readonly #random: () => number;

  /**
   * Created by the client; use `client.agents`.
   *
   * @ignore
   */
  constructor(
    http: HttpClient,
    files: Files,
    random: () => number = http.config.random ?? Math.random,
  ) {
    this.#http = http;
    this.#files = files;
    this.#random = random;
  }

  /**
   * Makes an agent from a template, `"namespace/name@version"`. Nothing is sent
   * until the first message.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * const client = inference({ apiKey: "inf_..." });
   * const agent = client.agents.create("my-org/assistant@abc123", { context: { tenant: "t1" } });
   * ```
   */
  create(template: string, options?: CreateAgentOptions): Agent<unknown>;
  /**
   * Makes an ad-hoc agent from a configuration (either key spelling:
   * `coreApp`/`core_app`, `systemPrompt`/`system_prompt`, …). With a Standard
   * Schema (e.g. zod) as `outputSchema`, replies carry the parsed output, typed.
   * Bad configuration throws a `TypeError` naming the key; nothing is sent until
   * the first message.
   *
   * @example With a typed tool and structured output
   * ```ts
   * import { inference, tool } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   * import { z } from "zod";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const agent = client.agents.create({
   *   coreApp: "infsh/emulated-llm",
   *   systemPrompt: "You report the weather.",
   *   tools: [
   *     tool("get_weather")
   *       .description("Get current weather")
   *       .params(z.object({ city: z.string().describe("City name") }))
   *       .handler(({ city }) => JSON.stringify({ city, celsius: 21 }))
   *       .build(),
   *   ],
   *   outputSchema: z.object({ city: z.string(), celsius: z.number() }),
   * });
   * const reply = await agent.sendMessage("What is the weather in Paris?");
   * console.log(reply.text, reply.output.celsius);
   * emulator.close();
   * ```
   */
  create<Output = unknown>(
    config: AgentConfig<Output>,
    options?: CreateAgentOptions,
  ): Agent<Output>;
  create(agent: string | AgentConfig<unknown>, options: CreateAgentOptions = {}): Agent<unknown> {
    const normalized = normalizeAgent(agent);
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Invalid argument 'options': must be an object");
    }
    if (options.name !== undefined && typeof options.name !== "string") {
      throw new TypeError("Invalid option 'name': must be a string");
    }
    if (
      options.chatId !== undefined && (typeof options.chatId !== "string" || options.chatId === "")
    ) {
      throw new TypeError("Invalid option 'chatId': must be a non-empty string");
    }
    const context = options.context;
    if (context !== undefined) {
      if (typeof context !== "object" || context === null || Array.isArray(context)) {
        throw new TypeError("Invalid option 'context': must be an object of strings");
      }
      for (const [key, value] of Object.entries(context)) {
        if (typeof value !== "string") {
          throw new TypeError(`Invalid option 'context.${key}': must be a string`);
        }
      }
    }
    return new Agent<unknown>({
      http: this.#http,
      files: this.#files,
      agent: normalized,
      name: options.name,
      context: context === undefined ? undefined : { ...context },
      chatId: options.chatId,
      random: this.#random,
    });
  }

  /**
   * Waits, at most `timeoutMs`, for the turn running in chat `chatId` to end:
   * resolves with the chat (its messages included) once it is idle, or as it
   * is when the time is up (no error, and the turn is not stopped), so a
   * workflow step or an alarm can call it again and again. A chat that is
   * already idle is returned at once.
   *
   * @example Pick a turn up by its chat id
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const reply = await client.agents.create("my-org/assistant@abc123").sendMessage("Hi");
   * const chat = await client.agents.wait(reply.chatId, { timeoutMs: 10_000 });
   * console.log(chat.status, chat.chat_messages?.at(-1)?.role); // "idle" "assistant"
   * emulator.close();
   * ```
   */
  wait(chatId: string, options: ChatWaitOptions = {}): Promise<Chat> {
    return waitForChat(this.#http, chatId, options, this.#random);
  }

  /**
   * Answers a client tool call by id (`POST /tools/{id}` with `{"result":
   * "<string>"}`), for callers who follow a chat without an `Agent`. Strings are
   * sent as they are; objects as JSON text.
   *
   * @param toolId The invocation id.
   * @param resultOrAction The result, or a widget action `{ action, form_data }`.
   * @param options Abort signal and per-call limits.
   *
   * @example
   * ```ts ignore
   * import { inference } from "@inferencesh/sdk";
   * const client = inference({ apiKey: "inf_..." });
   * await client.agents.submitToolResult("tinv_1", { action: { type: "confirm" } });
   * ```
   */
  async submitToolResult(
    toolId: string,
    resultOrAction: string | ToolAction | Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<void> {
    await submitToolResult(this.#http, toolId, resultOrAction, options);
  }
}
