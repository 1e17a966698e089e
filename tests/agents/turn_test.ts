// The turn as an object of its own: events in, reply out, no transport involved.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { OutputValidationError } from "../../mod.ts";
import type { ChatDelta, ChatMessage } from "../../src/types.ts";
import type { HttpClient } from "../../src/http/core.ts";
import { Turn } from "../../src/agents/turn.ts";
import { ToolRunner } from "../../src/agents/tool_runner.ts";
import type { ClientTool } from "../../src/agents/types.ts";

/** An HTTP client that records calls and answers each with `answer(call)`. */
function fakeHttp(answer: (call: Record<string, unknown>) => unknown = () => {
  throw new Error("no request expected");
}) {
  const sent: Record<string, unknown>[] = [];
  const http = {
    json: (call: Record<string, unknown>) => {
      sent.push(call);
      return Promise.resolve().then(() => answer(call));
    },
  } as unknown as HttpClient;
  return { http, sent };
}

const user: ChatMessage = {
  id: "u2",
  "chat_id": "c",
  order: 3,
  role: "user",
  status: "ready",
  content: [{ type: "text", text: "hi" }],
};

function assistant(status: string, text: string, order = 4): ChatMessage {
  return {
    id: "a2",
    "chat_id": "c",
    order,
    role: "assistant",
    status,
    content: text === "" ? [] : [{ type: "text", text }],
  };
}

function turnOf(
  http: HttpClient,
  callbacks: ConstructorParameters<typeof Turn>[0]["callbacks"] = {},
  outputSchema?: ConstructorParameters<typeof Turn>[0]["outputSchema"],
) {
  return new Turn({
    http,
    chatId: "c",
    newChat: false,
    created: { "user_message": user, "assistant_message": assistant("pending", "") },
    callbacks,
    outputSchema,
    mayHaveOutput: outputSchema !== undefined,
  });
}

const delta = (response: string, seq?: number): ChatDelta => ({
  delta: { response },
  "resource_id": "a2",
  ...(seq === undefined ? {} : { seq }),
});

describe("Turn", () => {
  it("reports this turn's messages only, adds a catch-up delta for lost text, drops stale deltas", async () => {
    const { http, sent } = fakeHttp();
    const messages: string[] = [];
    const deltas: string[] = [];
    let soFar = "";
    const turn = turnOf(http, {
      onMessage: (m) => messages.push(`${m.id}:${m.status}`),
      onDelta: (d, all) => {
        deltas.push(d.delta.response ?? "");
        soFar = all.response;
      },
    });
    turn.apply({
      kind: "chat",
      chat: { id: "c", status: "idle" },
      data: { status: "idle" },
      reconciled: true,
    });
    assert.equal(turn.ended, false, "the previous turn's idle chat does not end this one");
    turn.apply({
      kind: "message",
      message: { ...assistant("ready", "old", 2), id: "a1" },
      reconciled: true,
    });
    turn.apply({
      kind: "chat",
      chat: { id: "c", status: "busy" },
      data: { status: "busy" },
      reconciled: false,
    });
    turn.apply({ kind: "delta", delta: delta("Hel", 1) });
    turn.apply({ kind: "message", message: assistant("ready", "Hello world"), reconciled: false });
    turn.apply({ kind: "delta", delta: delta("lo", 2) }); // a replay after the final message
    assert.deepEqual(deltas, ["Hel", "lo world"]);
    assert.equal(soFar, "Hello world");
    assert.deepEqual(messages, ["a2:ready"], "the earlier turn's message is not reported");
    turn.apply({
      kind: "chat",
      chat: { id: "c", status: "idle" },
      data: { status: "idle" },
      reconciled: false,
    });
    assert.equal(turn.ended, true);
    const reply = await turn.result({});
    assert.equal(reply.text, "Hello world");
    assert.equal(reply.userMessage?.id, "u2");
    assert.deepEqual(sent, [], "everything was seen: no re-read");
  });

  it("validates the output of the idle chat, and re-reads the chat when the end came without it", async () => {
    const schema = z.object({ n: z.number() });
    const ended = (output: unknown, idle: boolean) => {
      const { http, sent } = fakeHttp(() => ({
        id: "c",
        status: "idle",
        output: { n: 2 },
        "chat_messages": [assistant("ready", "x")],
      }));
      const turn = turnOf(http, {}, schema);
      turn.apply({
        kind: "chat",
        chat: { id: "c", status: "busy" },
        data: { status: "busy" },
        reconciled: false,
      });
      turn.apply({ kind: "message", message: assistant("ready", "x"), reconciled: false });
      if (idle) {
        turn.apply({
          kind: "chat",
          chat: { id: "c", status: "idle", output },
          data: { status: "idle", output },
          reconciled: false,
        });
      } else {
        const run = { id: "r", state: "completed" };
        turn.apply({ kind: "run", run, chat: { id: "c", status: "busy", "active_run": run } });
      }
      assert.equal(turn.ended, true);
      return { turn, sent };
    };
    const seen = ended({ n: 1 }, true);
    assert.deepEqual((await seen.turn.result({})).output, { n: 1 });
    assert.equal(seen.sent.length, 0);
    const reread = ended(undefined, false);
    assert.deepEqual((await reread.turn.result({})).output, { n: 2 });
    assert.equal(reread.sent.length, 1, "one GET /chats/{id}");
    await assert.rejects(ended({ n: "one" }, true).turn.result({}), OutputValidationError);
  });
});

describe("ToolRunner", () => {
  it("dispatches client calls awaiting input or in progress, once each across turns", async () => {
    const { http, sent } = fakeHttp(() => ({}));
    const ran: string[] = [];
    const tool: ClientTool = {
      name: "t",
      "display_name": "t",
      description: "",
      type: "client",
      client: { "input_schema": { type: "object", properties: {} } },
      handler: (_args, context) => {
        ran.push(context.id);
        return "ok";
      },
    };
    const runner = new ToolRunner(http, new Map([["t", tool]]));
    const message = (status: string, id: string): ChatMessage => ({
      ...assistant("pending", ""),
      "tool_invocations": [{
        id,
        type: "client",
        status,
        function: { name: "t", arguments: {} },
      }],
    });
    const signal = new AbortController().signal;
    const first = runner.forTurn({ chatId: "c", signal });
    first.dispatch(message("awaiting_input", "i1")); // the live API (Python SDK)
    first.dispatch(message("in_progress", "i2")); // the official JS SDK 0.6.54
    first.dispatch(message("awaiting_input", "i1"));
    runner.forTurn({ chatId: "c", signal }).dispatch(message("awaiting_input", "i1"));
    first.dispatch(message("completed", "i3"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(ran, ["i1", "i2"]);
    assert.deepEqual(sent.map((call) => call.path), ["/tools/i1", "/tools/i2"]);
    assert.equal(first.failed, false);
  });
});
