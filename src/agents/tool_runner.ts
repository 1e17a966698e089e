/**
 * Client tools: which calls of a message to run (each invocation once per
 * agent), running a handler into a result for the model, and answering the
 * calls nobody here can answer.
 *
 * @module
 */

import type { HttpClient } from "../http/core.ts";
import { resultText, submitToolResult } from "./chat_api.ts";
import type { ChatMessage, ClientTool, ToolCallContext, ToolInvocation } from "./types.ts";

/**
 * A client tool call, as `onToolCall` reports it.
 *
 * @example
 * ```ts
 * import type { ToolCall } from "@inferencesh/sdk/types";
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
 * A handler's arguments do not match the tool's parameters: thrown by the
 * handler of a built tool, and reported to the model as such (not as a failure
 * of the tool). Still a plain `TypeError` to whoever calls the handler directly.
 */
export class InvalidToolArgumentsError extends TypeError {}

/** What running a tool gives the model: the result, and whether it describes an error. */
export interface ToolOutcome {
  /** The `result` text to submit. */
  result: string;
  /** Whether `result` describes an error (invalid arguments, or the handler threw). */
  isError: boolean;
}

/**
 * Runs a client tool's handler. Never rejects: invalid arguments and a throw
 * become an error result `{"error": "…"}` the model reads (the turn goes on).
 */
export async function runTool(
  tool: ClientTool,
  args: Record<string, unknown>,
  context: ToolCallContext,
): Promise<ToolOutcome> {
  try {
    const value = await tool.handler!(args, context);
    return {
      result: value === undefined ? "" : resultText(value, `result of tool "${context.name}"`),
      isError: false,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const text = error instanceof InvalidToolArgumentsError
      ? reason
      : `Tool "${context.name}" failed: ${reason}`;
    return { result: JSON.stringify({ error: text }), isError: true };
  }
}

/** What a turn tells the tools besides the messages. */
export interface ToolTurn {
  /** The turn's chat. */
  chatId: string;
  /** Reports calls (run, or left to the caller); see `SendMessageOptions.onToolCall`. */
  onToolCall?: ((call: ToolCall) => unknown) | undefined;
  /** Aborted when the turn ends: handlers are told, and nothing more is submitted. */
  signal: AbortSignal;
}

const DISPATCHED_STATUSES: ReadonlySet<string> = new Set([
  "in_progress",
  "awaiting_input",
  "awaiting_approval",
]);

/**
 * An agent's client tools: runs (or reports) the client tool calls of a
 * message, once per invocation across the agent's turns.
 */
export class ToolRunner {
  readonly #http: HttpClient;
  readonly #tools: ReadonlyMap<string, ClientTool>;
  /** Invocation ids already handed to a handler or to `onToolCall` (once each). */
  readonly #dispatched = new Set<string>();

  /** The agent's HTTP client and client tools by name. */
  constructor(http: HttpClient, tools: ReadonlyMap<string, ClientTool>) {
    this.#http = http;
    this.#tools = tools;
  }

  /** Forgets the invocations seen (a new chat). */
  clear(): void {
    this.#dispatched.clear();
  }

  /** Starts one turn's dispatch: its work, and the first failure of that work. */
  forTurn(turn: ToolTurn): TurnTools {
    return new TurnTools(this.#http, this.#tools, this.#dispatched, turn);
  }
}

/**
 * One turn's tool work. Each call runs in the background; the first failure
 * (a result that could not be submitted, or an `onToolCall` that rejected)
 * rejects {@linkcode TurnTools.failure}, and the turn then fails.
 */
export class TurnTools {
  readonly #http: HttpClient;
  readonly #tools: ReadonlyMap<string, ClientTool>;
  readonly #dispatched: Set<string>;
  readonly #turn: ToolTurn;
  #failed = false;
  #fail: (error: unknown) => void = () => {};
  /** Rejects with the first failure of the turn's tool work; never resolves. */
  readonly failure: Promise<never>;

  /** Created by {@linkcode ToolRunner.forTurn}. */
  constructor(
    http: HttpClient,
    tools: ReadonlyMap<string, ClientTool>,
    dispatched: Set<string>,
    turn: ToolTurn,
  ) {
    this.#http = http;
    this.#tools = tools;
    this.#dispatched = dispatched;
    this.#turn = turn;
    this.failure = new Promise<never>((_, reject) => this.#fail = reject);
    this.failure.catch(() => {});
  }

  /** Whether some tool work failed (the turn is then waiting for a result that will not come). */
  get failed(): boolean {
    return this.#failed;
  }

  /** Runs (or reports) the client tool calls of a message not dispatched before. */
  dispatch(message: ChatMessage): void {
    const invocations = message["tool_invocations"];
    if (!Array.isArray(invocations)) return;
    for (const invocation of invocations) {
      if (invocation?.type !== "client" || !DISPATCHED_STATUSES.has(String(invocation.status))) {
        continue;
      }
      if (typeof invocation.id !== "string" || this.#dispatched.has(invocation.id)) continue;
      this.#dispatched.add(invocation.id);
      this.#track(this.#answer(invocation));
    }
  }

  async #answer(invocation: ToolInvocation & { id: string }): Promise<void> {
    const { signal, onToolCall } = this.#turn;
    const name = String(invocation.function?.name ?? "");
    const tool = this.#tools.get(name);
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
    if (tool?.handler && !requiresApproval) {
      const outcome = await runTool(tool, call.args, {
        id: call.id,
        name,
        chatId: this.#turn.chatId,
        signal,
      });
      if (signal.aborted) return;
      await submitToolResult(this.#http, call.id, outcome.result, { signal });
      await onToolCall?.({ ...call, handled: true, ...outcome });
    } else if (onToolCall) {
      // Left to the caller, who answers with submitToolResult().
      await onToolCall(call);
    } else {
      // Nobody here can answer it: tell the model so, rather than leave the turn
      // waiting forever for a result that cannot come.
      const result = JSON.stringify({
        status: "not_available",
        message: `Client tool "${name}" ${
          requiresApproval ? "needs approval" : "has no handler"
        } and no onToolCall was given to answer it`,
      });
      await submitToolResult(this.#http, call.id, result, { signal });
    }
  }

  #track(work: Promise<unknown>): void {
    work.catch((error: unknown) => {
      if (this.#turn.signal.aborted) return;
      this.#failed = true;
      this.#fail(error);
    });
  }
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
