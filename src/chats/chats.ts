/**
 * The chats resource: read and list agent chats.
 *
 * @module
 */

import type { Chat } from "../agents/types.ts";
import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import { checkListParams, CursorList, listPages, type ListParams } from "../lists/cursor_list.ts";

/**
 * Reads and lists chats with agents. Reach it as `client.chats`; to talk to an
 * agent, use `client.agents`.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator();
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * for await (const chat of client.chats.list({ limit: 20 })) console.log(chat.id, chat.status);
 * emulator.close();
 * ```
 */
export class Chats {
  readonly #http: HttpClient;

  /**
   * Created by the client; use `client.chats`.
   *
   * @ignore
   */
  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * Reads a chat (its messages only when the API includes them).
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const agent = client.agents.create("my-org/assistant@abc123");
   * await agent.sendMessage("hi");
   * console.log((await client.chats.get(agent.chatId!)).status);
   * emulator.close();
   * ```
   *
   * @throws {NotFoundError} When there is no such chat.
   */
  async get(id: string, options: RequestOptions = {}): Promise<Chat> {
    return await this.#http.json<Chat>({
      method: "GET",
      path: `/chats/${segment(id)}`,
      action: `get chat "${id}"`,
      retry: "idempotent",
      expect: "object-with-id",
      ...options,
    });
  }

  /**
   * Lists your chats, newest first: iterate it to get every chat (pages are
   * fetched as needed), or take one page with `.page()`.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const page = await client.chats.list({ limit: 10 }).page();
   * console.log(page.items.length, page.has_next); // 0 false
   * emulator.close();
   * ```
   *
   * @throws {RangeError} When `limit` is not a whole number >= 1.
   */
  list(params: ListParams = {}, options: RequestOptions = {}): CursorList<Chat> {
    return new CursorList(
      listPages<Chat>(this.#http, "/chats/list", "chats"),
      checkListParams(params, "chats"),
      options,
    );
  }
}
