// Chats whose `GET /chats/{id}` comes without `chat_messages` (docs/protocol.md §7.7, §10 A9): the
// emulator's `chatMessagesInChat: false`, its `GET /chats/{id}/messages` cursor list, and the
// SDK listing the messages wherever it reads a chat to learn them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { inference, string, tool } from "../../mod.ts";
import type { ChatDelta } from "../../src/types.ts";
import { readChat } from "../../src/agents/chat_read.ts";
import { HttpClient } from "../../src/http/core.ts";
import { resolveConfig } from "../../src/http/config.ts";
import { API, AUTH, calls, FAST, get, hangGuard, KEY, openStreams, setup } from "./_setup.ts";

type Json = Record<string, unknown>;

const LONG = "Please tell me a rather long story about a lighthouse keeper and the sea";

/** An emulator that answers `GET /chats/{id}` without messages, like the real API. */
function lean(options: Parameters<typeof setup>[0] = {}) {
  return setup({ chatMessagesInChat: false, ...options });
}

/** A chat of `turns` finished turns (two messages each); returns its id. */
async function chatWith(env: ReturnType<typeof setup>, turns: number): Promise<string> {
  const agent = env.client.agents.create("my-org/assistant@abc123");
  for (let i = 1; i <= turns; i++) await agent.sendMessage(`message ${i}`);
  return agent.chatId!;
}

function listed(env: ReturnType<typeof setup>): string[] {
  return calls(env.emulator).filter((c) => /^GET \/chats\/[^/]+\/messages/.test(c));
}

describe("emulator: chat messages left out of GET /chats/{id}", () => {
  it("omits chat_messages with chatMessagesInChat: false, includes them by default", async () => {
    for (const [messagesInChat, expected] of [[false, undefined], [true, 4]] as const) {
      using env = setup({ chatMessagesInChat: messagesInChat });
      const id = await chatWith(env, 2);
      const chat = (await get(env.emulator, `/chats/${id}`)).body.data as Json;
      assert.equal(chat.status, "idle");
      assert.equal((chat["chat_messages"] as Json[] | undefined)?.length, expected);
    }
  });

  it("lists messages newest page first, in order within a page, across pages both ways", async () => {
    using env = lean();
    const id = await chatWith(env, 3); // orders 1..6
    const orders = (page: Json) => (page.items as Json[]).map((m) => m.order);
    const first = (await get(env.emulator, `/chats/${id}/messages?limit=4`)).body.data as Json;
    assert.deepEqual(orders(first), [3, 4, 5, 6]);
    assert.equal(first["has_next"], true);
    assert.equal(first["has_previous"], false);
    assert.equal(first["total_items"], 6);
    assert.equal(first["items_per_page"], 4);
    const cursor = String(first["next_cursor"]);
    assert.ok(cursor.startsWith("+"), "a cursor that needs encoding in a query string");
    const query = new URLSearchParams({ limit: "4", cursor });
    const second = (await get(env.emulator, `/chats/${id}/messages?${query}`)).body.data as Json;
    assert.deepEqual(orders(second), [1, 2]);
    assert.equal(second["has_next"], false);
    assert.equal(second["next_cursor"], "");
    assert.equal(second["has_previous"], true);
    const back = new URLSearchParams({ limit: "4", cursor: String(second["prev_cursor"]) });
    const third = (await get(env.emulator, `/chats/${id}/messages?${back}`)).body.data as Json;
    assert.deepEqual(orders(third), [3, 4, 5, 6]);
    const all = (await get(env.emulator, `/chats/${id}/messages`)).body.data as Json;
    assert.deepEqual(orders(all), [1, 2, 3, 4, 5, 6], "default limit 20");
  });

  it("refuses a bad limit, and a cursor sent unencoded ('+' read as a space)", async () => {
    using env = lean();
    const id = await chatWith(env, 3);
    for (const limit of ["0", "101", "2.5", "x"]) {
      const answer = await get(env.emulator, `/chats/${id}/messages?limit=${limit}`);
      assert.equal(answer.status, 400, limit);
      assert.equal(answer.body.field, "limit");
    }
    const first = (await get(env.emulator, `/chats/${id}/messages?limit=2`)).body.data as Json;
    const raw = await get(
      env.emulator,
      `/chats/${id}/messages?limit=2&cursor=${first["next_cursor"]}`,
    );
    assert.equal(raw.status, 400);
    assert.equal(raw.body.field, "cursor");
    const unknown = await get(env.emulator, `/chats/chat_none/messages`);
    assert.equal(unknown.status, 404);
  });
});

describe("the SDK lists messages when the chat comes without them", () => {
  it("getChat() returns every message, read page after page", async () => {
    using env = lean();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    for (let i = 1; i <= 3; i++) await agent.sendMessage(`message ${i}`);
    const chat = await agent.getChat();
    assert.deepEqual(chat?.chat_messages?.map((m) => m.order), [1, 2, 3, 4, 5, 6]);
    assert.equal(chat?.chat_messages?.at(-1)?.status, "ready");
    assert.deepEqual(chat?.chat_messages?.map((m) => m.role), [
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    assert.ok(listed(env).length >= 1);
  });

  it("pages across cursors (encoded, so '+' survives), oldest pages only as far as asked", async () => {
    using env = lean();
    const id = await chatWith(env, 3); // orders 1..6
    const http = new HttpClient(resolveConfig({ apiKey: KEY, fetch: env.emulator.fetch }));
    const before = listed(env).length;
    const small = { limit: 2 };
    const all = await readChat(http, id, {}, -Infinity, small);
    assert.deepEqual(all["chat_messages"]?.map((m) => m.order), [1, 2, 3, 4, 5, 6]);
    assert.equal(listed(env).length - before, 3, "three pages of two");
    const cursors = listed(env).slice(before).map((c) => new URL(c.slice(4), API));
    assert.equal(cursors[0]?.searchParams.get("cursor"), null);
    for (const url of cursors.slice(1)) assert.ok(url.searchParams.get("cursor")?.startsWith("+"));
    const recent = await readChat(http, id, {}, 4, small);
    assert.deepEqual(recent["chat_messages"]?.map((m) => m.order), [3, 4, 5, 6], "down to order 4");
    const newest = await readChat(http, id, {}, undefined, small);
    assert.deepEqual(newest["chat_messages"]?.map((m) => m.order), [5, 6], "the newest page");
  });

  for (const lines of [3, 6, 10]) {
    it(`finishes a turn whose stream drops after ${lines} lines: full text, once, no hang`, async () => {
      using env = lean();
      env.emulator.faults.dropStreamAfter(lines, { path: "/chats/" });
      const agent = env.client.agents.create("my-org/assistant@abc123");
      const deltas: ChatDelta[] = [];
      let soFar = "";
      const reply = await agent.sendMessage(LONG, {
        ...FAST,
        onDelta: (delta, accumulated) => {
          deltas.push(delta);
          soFar = accumulated.response;
        },
      });
      assert.equal(reply.text, `You said: ${LONG}`);
      assert.equal(reply.message.status, "ready");
      assert.equal(deltas.map((d) => d.delta.response).join(""), reply.text, "each piece once");
      assert.equal(soFar, reply.text);
      assert.equal(calls(env.emulator).filter((c) => c.endsWith("/stream")).length, 2);
      assert.ok(listed(env).length >= 1, "the re-read listed the messages");
      assert.equal(openStreams(env.emulator), 0);
    });
  }

  it("sees a tool call made while the stream was down only by listing the messages", async () => {
    using env = lean();
    let ran = 0;
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [
        tool("get_weather").params({ city: string("City") }).handler(({ city }) => {
          ran++;
          return `${city}: 19 degrees`;
        }).build(),
      ],
    });
    // New chat: snapshot, busy, user, working, 4 deltas, the message so far, then the
    // message with the tool call is lost; the run then waits for a result.
    env.emulator.faults.dropStreamAfter(9, { path: "/chats/" });
    // Without the listing the tool call is never seen and the turn waits forever.
    using guard = hangGuard();
    const reply = await agent.sendMessage("And the weather in Oslo?", {
      ...FAST,
      signal: guard.signal,
    });
    assert.equal(ran, 1);
    assert.equal(
      reply.text,
      "Let me call get_weather. The get_weather tool returned: Oslo: 19 degrees",
    );
    assert.ok(listed(env).length >= 1);
  });

  it("reads the output and the final message at the end of a turn from the listed messages", async () => {
    using env = lean();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      outputSchema: z.object({ summary: z.string() }),
    });
    await agent.sendMessage("first");
    const before = listed(env).length;
    // The turn ends on the run's completion, just before the idle chat that carries
    // the output: the chat is read once more, and its messages listed.
    const second = await agent.sendMessage("second", FAST);
    assert.equal(second.output.summary, "Summary: second");
    assert.equal(second.text, "You said: second Here is the structured output.");
    assert.equal(second.message.status, "ready");
    assert.equal(listed(env).length - before, 1);
  });

  it("asks the listing for a page of the turn only, with the client's headers", async () => {
    using env = lean();
    const client = inference({ apiKey: KEY, fetch: env.emulator.fetch, stream: false });
    const agent = client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("one", { pollIntervalMs: 1 });
    const request = env.emulator.requests.find((r) => r.path.includes("/messages"));
    assert.ok(request);
    assert.equal(request.headers.authorization, AUTH.authorization);
    assert.equal(new URL(request.path, API).searchParams.get("limit"), "50");
  });
});
