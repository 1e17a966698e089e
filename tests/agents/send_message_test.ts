import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Chat, ChatDelta, ChatMessage } from "../../src/types.ts";
import { bodies, calls, chatSubscribers, openStreams, setup, until } from "./_setup.ts";

describe("Agent.sendMessage()", () => {
  it("resolves with the final assistant message once the turn is over, text streamed without gaps", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const deltas: ChatDelta[] = [];
    const messages: ChatMessage[] = [];
    let soFar = "";
    const reply = await agent.sendMessage("Hello there, agent", {
      onDelta: (delta, accumulated) => {
        deltas.push(delta);
        soFar = accumulated.response;
      },
      onMessage: (message) => messages.push(message),
    });
    assert.equal(reply.message.status, "ready");
    assert.equal(reply.message.role, "assistant");
    assert.equal(reply.text, "You said: Hello there, agent");
    assert.equal(deltas.map((d) => d.delta.response).join(""), reply.text);
    assert.equal(soFar, reply.text);
    assert.deepEqual(deltas.map((d) => d.seq), deltas.map((_, i) => i + 1));
    assert.ok(deltas.every((d) => d.resource_id === reply.message.id));
    assert.equal(reply.chatId, agent.chatId);
    assert.equal(reply.userMessage?.role, "user");
    assert.ok(messages.some((m) => m.id === reply.message.id && m.status === "ready"));
    assert.ok(messages.some((m) => m.role === "user"));
  });

  it("closes the chat stream as soon as the turn is over (A10)", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("Hello");
    assert.equal(openStreams(env.emulator), 0);
    assert.equal(chatSubscribers(env.emulator), 0);
    await agent.sendMessage("Again");
    assert.equal(openStreams(env.emulator), 0);
  });

  it("posts first for a new chat, and opens the stream first for an existing one (docs/protocol.md §7.5)", async () => {
    using env = setup();
    const agent = env.client.agents.create({ coreApp: "infsh/emulated-llm" });
    const first = await agent.sendMessage("one");
    const id = first.chatId;
    const second = await agent.sendMessage("two");
    assert.equal(second.chatId, id);
    assert.equal(second.text, "You said: two");
    assert.deepEqual(calls(env.emulator), [
      "POST /agents/run",
      `GET /chats/${id}/stream`,
      `GET /chats/${id}`, // what happened before the stream was open
      `GET /chats/${id}/stream`,
      "POST /agents/run",
    ]);
    const sent = bodies(env.emulator, "POST", "/agents/run") as Record<string, unknown>[];
    assert.equal(sent[0]!["chat_id"], null);
    assert.equal(sent[1]!["chat_id"], id);
  });

  it("reports the chat through onChat, busy then idle", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const seen: Chat[] = [];
    await agent.sendMessage("Hi", { onChat: (chat) => seen.push(chat) });
    assert.ok(seen.some((chat) => chat.status === "busy"));
    assert.equal(seen.at(-1)!.active_run?.state, "completed");
  });

  it("runs one turn at a time per agent", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const first = agent.sendMessage("one");
    await assert.rejects(agent.sendMessage("two"), /previous turn is still running/);
    await first;
    await agent.sendMessage("three");
  });

  it("rejects bad arguments with a TypeError before any request", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await assert.rejects(agent.sendMessage(1 as never), /'text'/);
    await assert.rejects(agent.sendMessage("  "), /'text': must not be empty/);
    await assert.rejects(agent.sendMessage("x", { onDelta: 1 as never }), /'onDelta'/);
    await assert.rejects(agent.sendMessage("x", { files: "a" as never }), /'files'/);
    await assert.rejects(agent.sendMessage("x", { images: [1 as never] }), /'images\[0\]'/);
    await assert.rejects(agent.sendMessage("x", { maxReconnects: -1 }), RangeError);
    await assert.rejects(agent.submitToolResult("", "x"), /'toolId'/);
    await assert.rejects(agent.submitToolResult("t", undefined as never), /'resultOrAction'/);
    assert.deepEqual(calls(env.emulator), []);
  });

  it("attaches files as input.attachments file references (not images/files), Blobs uploaded first", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const png = new File([new Uint8Array([137, 80, 78, 71])], "dot.png", { type: "image/png" });
    const uploaded = await env.client.files.upload(
      new Blob(["%PDF"], { type: "application/pdf" }),
      {
        filename: "report.pdf",
      },
    );
    await agent.sendMessage("Look", {
      images: ["https://example.com/a.jpg", "https://example.com/raw"],
      files: [
        { uri: "https://example.com/b", "content_type": "image/png" },
        "https://example.com/docs/c%20d.pdf",
        "https://example.com/e",
        uploaded,
        png,
      ],
    });
    const log = calls(env.emulator);
    assert.deepEqual(log.slice(0, 2), ["POST /files", "POST /files"], "the Blob uploaded first");
    const [body] = bodies(env.emulator, "POST", "/agents/run") as {
      input: Record<string, unknown> & { attachments: Record<string, unknown>[] };
    }[];
    assert.equal("images" in body!.input, false, "images/files are the API's internal fields");
    assert.equal("files" in body!.input, false);
    const [a, raw, b, cd, e, pdf, dot] = body!.input.attachments;
    assert.deepEqual(a, {
      uri: "https://example.com/a.jpg",
      filename: "a.jpg",
      "content_type": "image/jpeg",
    });
    assert.deepEqual(raw, {
      uri: "https://example.com/raw",
      filename: "raw",
      "content_type": "image/*",
    });
    assert.deepEqual(b, {
      uri: "https://example.com/b",
      filename: "b",
      "content_type": "image/png",
    });
    assert.deepEqual(cd, {
      uri: "https://example.com/docs/c%20d.pdf",
      filename: "c d.pdf",
      "content_type": "application/pdf",
    });
    assert.deepEqual(e, {
      uri: "https://example.com/e",
      filename: "e",
      "content_type": "application/octet-stream",
    });
    assert.deepEqual(pdf, {
      id: uploaded.id,
      uri: uploaded.uri,
      filename: "report.pdf",
      "content_type": "application/pdf",
      size: 4,
    });
    assert.equal(typeof dot!.id, "string");
    assert.equal(typeof dot!.uri, "string");
    assert.deepEqual({ ...dot, id: "", uri: "" }, {
      id: "",
      uri: "",
      filename: "dot.png",
      "content_type": "image/png",
      size: 4,
    });
    // The emulator, like the API, turns image/* references into image parts.
    const chat = await agent.getChat();
    const sent = chat!.chat_messages!.find((m) => m.role === "user")!;
    assert.deepEqual(sent.content.map((part) => part.type), [
      "text",
      "image",
      "image",
      "image",
      "file",
      "file",
      "file",
      "image",
    ]);
  });

  it("sends no attachments field without attachments", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("Hello");
    const [body] = bodies(env.emulator, "POST", "/agents/run") as { input: object }[];
    assert.deepEqual(Object.keys(body!.input).sort(), [
      "context",
      "context_size",
      "role",
      "system_prompt",
      "text",
    ]);
  });
});

describe("Agent.getChat(), streamMessages(), streamChat()", () => {
  it("getChat() is null before the first message, then the chat with its messages", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    assert.equal(await agent.getChat(), null);
    const reply = await agent.sendMessage("Hello");
    const chat = await agent.getChat();
    assert.equal(chat?.id, reply.chatId);
    assert.equal(chat?.status, "idle");
    assert.deepEqual(chat?.chat_messages?.map((m) => [m.role, m.status]), [
      ["user", "ready"],
      ["assistant", "ready"],
    ]);
  });

  it("streamMessages() follows later turns, merged; break closes the stream", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("one");
    const seen: ChatMessage[] = [];
    const watching = (async () => {
      for await (const message of agent.streamMessages()) {
        seen.push(message);
        if (message.role === "assistant" && message.status === "ready") break;
      }
    })();
    // Once the watcher's stream is open, the next turn starts (sendMessage opens its own too).
    await until(() => chatSubscribers(env.emulator) === 1);
    const reply = await agent.sendMessage("two");
    await watching;
    assert.equal(seen.at(-1)!.id, reply.message.id);
    assert.equal(textOf(seen.at(-1)!), "You said: two");
    assert.equal(openStreams(env.emulator), 0);
  });

  it("streamChat() yields chat snapshots and ends quietly on disconnect()", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("one");
    const statuses: string[] = [];
    const watching = (async () => {
      for await (const chat of agent.streamChat()) {
        statuses.push(chat.status);
        if (statuses.length === 1) agent.disconnect();
      }
    })();
    await watching;
    assert.deepEqual(statuses, ["idle"]);
    assert.equal(openStreams(env.emulator), 0);
  });

  it("streamChat() throws the caller's abort reason", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("one");
    const controller = new AbortController();
    const reason = new Error("enough");
    await assert.rejects(
      (async () => {
        for await (const _chat of agent.streamChat(undefined, { signal: controller.signal })) {
          controller.abort(reason);
        }
      })(),
      (error) => error === reason,
    );
  });

  it("stream*() need a chat", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await assert.rejects(agent.streamMessages().next(), /no chat yet/);
  });
});

function textOf(message: ChatMessage): string {
  return message.content.filter((part) => part.type === "text").map((part) => part.text).join("");
}
