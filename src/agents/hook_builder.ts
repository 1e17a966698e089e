/**
 * The lifecycle hook builder: `lifecycleHook(event)` makes one entry of an
 * agent's `hooks`, the exact JSON of docs/protocol.md §7.10.
 *
 * @module
 */

import { checkAgentRef } from "./agent_config.ts";
import { checkUrl } from "./tool_builder.ts";
import type { HookEvent, HookHandlerType, HookResolution, LifecycleHookConfig } from "./types.ts";

/** Every event, once (a `Record` so the compiler checks the list against {@linkcode HookEvent}). */
const EVENTS: Readonly<Record<HookEvent, true>> = {
  "agent.start": true,
  "agent.turn_start": true,
  "agent.tool_call": true,
  "agent.tool_result": true,
  "agent.turn_complete": true,
  "agent.error": true,
  "agent.complete": true,
  "agent.idle": true,
  "agent.pre_compact": true,
  "agent.post_compact": true,
};

/**
 * Builds one lifecycle hook of an agent: the event it fires on and its handler,
 * a webhook, a task (another agent) or a gate. Start with
 * {@linkcode lifecycleHook}.
 *
 * @example
 * ```ts
 * import { lifecycleHook } from "@inferencesh/sdk";
 * const onTurn = lifecycleHook("agent.turn_start")
 *   .webhook("https://example.com/on-turn")
 *   .async()
 *   .timeout(10)
 *   .build();
 * // { event: "agent.turn_start", type: "webhook", handler: "https://example.com/on-turn", async: true, timeout: 10 }
 * ```
 */
export class LifecycleHookBuilder {
  readonly #event: HookEvent;
  #type: HookHandlerType | undefined;
  #handler: string | undefined;
  #resolution: HookResolution | undefined;
  #async: boolean | undefined;
  #timeout: number | undefined;

  /** Starts a hook on `event`; prefer {@linkcode lifecycleHook}. */
  constructor(event: HookEvent) {
    if (typeof event !== "string" || !Object.hasOwn(EVENTS, event)) {
      throw new TypeError(
        `Invalid argument 'event': must be one of ${Object.keys(EVENTS).join(", ")}: got ${
          JSON.stringify(event)
        }`,
      );
    }
    this.#event = event;
  }

  /**
   * Posts the event to a URL.
   *
   * @param url An http(s) URL.
   * @returns This builder.
   */
  webhook(url: string): this {
    checkUrl(url, "url");
    return this.#set("webhook", url, undefined);
  }

  /**
   * Runs an agent on the event.
   *
   * @param agentRef The agent, `namespace/name@version`.
   * @returns This builder.
   */
  task(agentRef: string): this {
    checkAgentRef(agentRef, "agentRef");
    return this.#set("task", agentRef, undefined);
  }

  /**
   * Holds the run at the event until a person allows or denies it. The API lets
   * gates hold only some events (`agent.start`, `agent.turn_start`,
   * `agent.tool_call`, `agent.pre_compact`) and refuses the others.
   *
   * @param defaultResolution The answer when nobody answers within `.timeout()`;
   *   not sent unless given.
   * @returns This builder.
   */
  gate(defaultResolution?: HookResolution): this {
    if (
      defaultResolution !== undefined && defaultResolution !== "allow" &&
      defaultResolution !== "deny"
    ) {
      throw new TypeError(
        `Invalid argument 'defaultResolution': must be "allow" or "deny": got ${
          JSON.stringify(defaultResolution)
        }`,
      );
    }
    return this.#set("gate", undefined, defaultResolution);
  }

  /**
   * Lets the run go on without waiting for the handler (`async`, not sent
   * unless set).
   *
   * @param enabled On (default) or off.
   * @returns This builder.
   */
  async(enabled = true): this {
    if (typeof enabled !== "boolean") {
      throw new TypeError("Invalid argument 'async': must be a boolean");
    }
    this.#async = enabled;
    return this;
  }

  /**
   * Sets how long the handler (or a gate's person) may take (`timeout`, not sent
   * unless set).
   *
   * @param seconds A positive whole number of seconds.
   * @returns This builder.
   */
  timeout(seconds: number): this {
    if (!Number.isSafeInteger(seconds) || seconds <= 0) {
      throw new TypeError(
        `Invalid argument 'timeout': must be a positive whole number of seconds: got ${
          JSON.stringify(seconds)
        }`,
      );
    }
    this.#timeout = seconds;
    return this;
  }

  /**
   * Builds the hook JSON, to put in an agent's `hooks`.
   *
   * @returns The hook.
   * @throws {TypeError} When no handler was chosen.
   */
  build(): LifecycleHookConfig {
    const type = this.#type;
    if (type === undefined) {
      throw new TypeError(
        `Invalid argument 'handler': the "${this.#event}" hook needs one: .webhook(url), .task(agentRef) or .gate()`,
      );
    }
    const hook: LifecycleHookConfig = { event: this.#event, type };
    if (this.#handler !== undefined) hook.handler = this.#handler;
    if (this.#async !== undefined) hook.async = this.#async;
    if (this.#timeout !== undefined) hook.timeout = this.#timeout;
    if (this.#resolution !== undefined) hook["default_resolution"] = this.#resolution;
    return hook;
  }

  #set(
    type: HookHandlerType,
    handler: string | undefined,
    resolution: HookResolution | undefined,
  ): this {
    this.#type = type;
    this.#handler = handler;
    this.#resolution = resolution;
    return this;
  }
}

/**
 * Starts a lifecycle hook: something the API runs when the agent reaches
 * `event`. Put the built hooks in the agent's `hooks`.
 *
 * @param event The event: `agent.start`, `agent.turn_start`, `agent.tool_call`,
 *   `agent.tool_result`, `agent.turn_complete`, `agent.error`, `agent.complete`,
 *   `agent.idle`, `agent.pre_compact` or `agent.post_compact`.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { inference, lifecycleHook } from "@inferencesh/sdk";
 *
 * const client = inference({ apiKey: "inf_..." });
 * const agent = client.agents.create({
 *   coreApp: "infsh/claude-sonnet-4@abc123",
 *   hooks: [
 *     lifecycleHook("agent.turn_start").webhook("https://example.com/on-turn").async().build(),
 *     lifecycleHook("agent.complete").task("acme/reviewer@v1").build(),
 *     lifecycleHook("agent.tool_call").gate("deny").timeout(300).build(),
 *   ],
 * });
 * ```
 */
export function lifecycleHook(event: HookEvent): LifecycleHookBuilder {
  return new LifecycleHookBuilder(event);
}
