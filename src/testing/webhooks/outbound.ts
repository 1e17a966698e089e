/**
 * Requests the emulator makes itself: task webhooks POSTed when a task ends,
 * and the signed calls of webhook tools during an agent turn. They go through
 * the `webhookFetch` given to `createEmulator`, or, without one, through the
 * global `fetch` to loopback URLs only (the emulator is offline: any other URL
 * is skipped, and recorded as such).
 *
 * @module
 */

import type { Task } from "../../tasks/types.ts";
import { signWebhook } from "../../webhooks/sign.ts";

/** A `fetch` the emulator sends its own requests with. */
export type OutboundFetch = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

/** One request the emulator sent (or skipped), for tests. */
export interface OutboundRecord {
  /** `"task"` for a task webhook, `"tool"` for a webhook-tool call. */
  kind: "task" | "tool";
  url: string;
  body: string;
  /** The HTTP status of the answer, or `undefined` when it failed or was skipped. */
  status: number | undefined;
  /** Why it failed or was skipped. */
  error?: string | undefined;
}

/** Whether `url` points at this machine (where the offline emulator may deliver by itself). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(host);
}

/** Sends the emulator's outbound requests; `close()` aborts those in flight. */
export class Outbound {
  readonly #fetch: OutboundFetch | undefined;
  readonly #secrets: Readonly<Record<string, string>>;
  #controller = new AbortController();
  /** Every request sent or skipped, in order. */
  readonly records: OutboundRecord[] = [];

  /**
   * @param fetch Where every outbound request goes; without it, the global
   * `fetch`, to loopback URLs only.
   * @param secrets Values of the secrets webhook tools name.
   */
  constructor(fetch: OutboundFetch | undefined, secrets: Readonly<Record<string, string>> = {}) {
    this.#fetch = fetch;
    this.#secrets = secrets;
  }

  /** POSTs `task` (as `GET /tasks/{id}` answers it) to its `webhook`, if it has one. */
  taskEnded(task: Task): void {
    const url = task.webhook;
    if (typeof url !== "string" || url === "") return;
    void this.#send("task", url, JSON.stringify(task), {}).catch(() => {});
  }

  /**
   * Calls a webhook tool: POSTs `args` as JSON, signed with
   * `X-Webhook-Signature` when the tool names a secret. Resolves with the
   * answer's text; rejects when the call fails or the secret is unknown.
   */
  async callTool(url: string, secret: string | undefined, args: unknown): Promise<string> {
    const body = JSON.stringify(args ?? {});
    const headers: Record<string, string> = {};
    if (secret !== undefined) {
      const value = this.#secrets[secret];
      if (value === undefined) {
        throw new Error(`secret ${secret} is not set (createEmulator({ secrets }))`);
      }
      headers["x-webhook-signature"] = await signWebhook(body, value);
    }
    const response = await this.#send("tool", url, body, headers);
    const text = await response.text();
    if (!response.ok) throw new Error(`webhook answered ${response.status}: ${text.slice(0, 200)}`);
    return text;
  }

  /** Aborts every request in flight; later ones start afresh. */
  close(): void {
    this.#controller.abort(new DOMException("emulator closed", "AbortError"));
    this.#controller = new AbortController();
  }

  async #send(
    kind: "task" | "tool",
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<Response> {
    const record: OutboundRecord = { kind, url, body, status: undefined };
    this.records.push(record);
    const fetch = this.#fetch ??
      (isLoopbackUrl(url) ? globalThis.fetch.bind(globalThis) : undefined);
    if (!fetch) {
      record.error = "skipped: not a loopback URL, and no webhookFetch was given";
      throw new Error(`cannot reach ${url}: ${record.error}`);
    }
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
        signal: this.#controller.signal,
      });
      record.status = response.status;
      if (kind === "task") await response.body?.cancel();
      return response;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }
}
