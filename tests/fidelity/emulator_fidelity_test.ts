// The emulator answers like the live API (docs/protocol.md; issue 10): ids, the synchronous run,
// the streamed agent run, attachments, session ids on stream lines, stream framings, rate limits.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createEmulator, ManualClock } from "../../src/testing/mod.ts";
import {
  AGENT_RUN_STREAM,
  RUN_WAIT_RESULT,
  SESSION_TASK_STREAM,
  SNAPSHOT_KEYS,
  ULID,
} from "./fixtures.ts";
import { Ids } from "../../src/testing/ids.ts";
import { hasDeno, served } from "../_loopback.ts";
import {
  API,
  AUTH,
  data,
  delay,
  get,
  input,
  type Json,
  lines,
  PLAIN_AGENT,
  post,
  WEATHER_AGENT,
} from "./_wire.ts";

function assertId(value: unknown, what: string): string {
  assert.equal(typeof value, "string", what);
  assert.match(value as string, ULID, what);
  return value as string;
}

function assertShortId(record: Json, what: string): void {
  const id = assertId(record.id, `${what}.id`);
  assert.equal(record["short_id"], id.slice(0, 8), `${what}.short_id is the id's first 8 chars`);
}

function keysOf(text: string): string[][] {
  return text.trim().split("\n").map((line) => Object.keys(JSON.parse(line)));
}

describe("emulator fidelity: ids", () => {
  it("gives tasks, files, sessions, chats, messages, runs and tool invocations ULID ids with short_id prefixes", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const task = await data(post(emulator, "/apps/run", {
        app: "infsh/echo",
        input: {},
        session: "new",
      }));
      assertShortId(task, "task");
      const session = await data(
        get(emulator, `/sessions/${assertId(task["session_id"], "session")}`),
      );
      assertShortId(session, "session");
      const [file] = await data(post(emulator, "/files", {
        files: [{ filename: "a.txt", "content_type": "text/plain" }],
      })) as unknown as Json[];
      assertShortId(file!, "file");

      const turn = await data(post(emulator, "/agents/run", {
        "agent_config": WEATHER_AGENT,
        input: input("What is the weather in Oslo?"),
      }));
      const user = turn["user_message"] as Json;
      const assistant = turn["assistant_message"] as Json;
      assertShortId(user, "user message");
      assertShortId(assistant, "assistant message");
      const chat = await data(get(emulator, `/chats/${assistant["chat_id"]}`));
      assertShortId(chat, "chat");
      assertShortId(chat["active_run"] as Json, "agent run");
      assert.equal(assistant["agent_run_id"], (chat["active_run"] as Json).id);
      let invocation: Json | undefined;
      for (let i = 0; i < 2_000 && !invocation; i++) {
        await delay(1);
        const messages =
          (await data(get(emulator, `/chats/${chat.id}`)))["chat_messages"] as Json[];
        const calls = messages.at(-1)?.["tool_invocations"] as Json[] | undefined;
        invocation = calls?.[0];
      }
      assert.ok(invocation, "the model called the client tool");
      assertShortId(invocation, "tool invocation");
      const all = [
        task,
        session,
        file!,
        user,
        assistant,
        chat,
        chat["active_run"] as Json,
        invocation,
      ];
      assert.equal(new Set(all.map((record) => record.id)).size, all.length, "no id repeats");
    } finally {
      emulator.close();
    }
  });

  it("follow the seed: another seed, another sequence", async () => {
    const first = createEmulator({ stepMs: 0 });
    const second = createEmulator({ stepMs: 0, seed: 7 });
    try {
      const a = await data(post(first, "/apps/run", { app: "infsh/echo", input: {} }));
      const b = await data(post(second, "/apps/run", { app: "infsh/echo", input: {} }));
      assertShortId(b, "seeded task");
      assert.notEqual(a.id, b.id);
      assert.throws(() => createEmulator({ seed: 1.5 }), RangeError);
    } finally {
      first.close();
      second.close();
    }
  });

  it("are the same sequence for every emulator and again after reset(), so tests reproduce", async () => {
    const first = createEmulator({ stepMs: 0 });
    const second = createEmulator({ stepMs: 0 });
    try {
      const a = await data(post(first, "/apps/run", { app: "infsh/echo", input: {} }));
      const b = await data(post(second, "/apps/run", { app: "infsh/echo", input: {} }));
      assert.equal(a.id, b.id);
      first.reset();
      const again = await data(post(first, "/apps/run", { app: "infsh/echo", input: {} }));
      assert.equal(again.id, a.id);
      const next = await data(post(first, "/apps/run", { app: "infsh/echo", input: {} }));
      assert.notEqual(next.id, a.id);
    } finally {
      first.close();
      second.close();
    }
  });
});

describe("emulator fidelity: POST /run", () => {
  it("with wait: true holds the request and answers the slim result, keyed like the live one", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const result = await data(post(emulator, "/run", {
        app: "infsh/echo",
        input: { said: "hi" },
        wait: true,
      }));
      assert.deepEqual(Object.keys(result).sort(), Object.keys(RUN_WAIT_RESULT).sort());
      assert.equal(result.status, 10);
      const envelope = await (await post(emulator, "/run", { app: "infsh/echo", input: {} }))
        .json();
      assert.deepEqual(Object.keys(envelope).sort(), ["data", "messages", "success"]);
      assert.equal(envelope.success, true, "what the Python SDK checks");
      assert.equal(result["status_text"], "completed");
      assert.deepEqual(result.output, { said: "hi" });
      assertShortId(result, "result");
      assert.equal(emulator.task(String(result.id))?.status, 10, "the task had ended");
    } finally {
      emulator.close();
    }
  });

  it("with wait: false answers the slim result at once; /apps/run with wait: true the slim result too", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const now = await data(post(emulator, "/run", { app: "infsh/echo", input: {}, wait: false }));
      assert.deepEqual(Object.keys(now).sort(), Object.keys(RUN_WAIT_RESULT).sort());
      assert.equal(now.status, 1);
      assert.equal(now["status_text"], "received");
      const waited = await data(post(emulator, "/apps/run", {
        app: "infsh/echo",
        input: { n: 2 },
        wait: true,
      }));
      assert.equal(waited["status_text"], "completed");
      assert.deepEqual(waited.output, { n: 2 });
      const byQuery = await data(
        post(emulator, "/run?wait=true", { app: "infsh/echo", input: {} }),
      );
      assert.equal(byQuery["status_text"], "completed", "?wait=true like the body's wait");
      const plain = await data(post(emulator, "/apps/run", { app: "infsh/echo", input: {} }));
      assert.ok("events" in plain, "without wait, /apps/run still answers the TaskDTO");
      const bad = await post(emulator, "/run", { app: "infsh/echo", input: {}, wait: "yes" });
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).field, "wait");
    } finally {
      emulator.close();
    }
  });

  it("answers a failed task with a 422 problem carrying the result", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const failed = await post(emulator, "/run", {
        app: "infsh/fail",
        input: { message: "out of memory" },
        wait: true,
      });
      assert.equal(failed.status, 422);
      assert.equal(failed.headers.get("content-type"), "application/problem+json");
      const problem = await failed.json();
      assert.equal(problem.status, 422);
      assert.match(problem.detail, /out of memory/);
      assert.equal(problem.result["status_text"], "failed");
    } finally {
      emulator.close();
    }
  });

  it("answers a task cancelled while the request waits with a 422 problem", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      // The first id of the sequence: the task the first run creates.
      const id = new Ids().next();
      const pending = post(emulator, "/run", {
        app: "infsh/sleep",
        input: { seconds: 60 },
        wait: true,
      });
      for (let i = 0; i < 1_000 && emulator.task(id) === undefined; i++) await delay(1);
      assert.ok(emulator.task(id), "the sleeping task exists");
      const cancel = await post(emulator, `/tasks/${id}/cancel`, {});
      await cancel.body?.cancel();
      const cancelled = await pending;
      assert.equal(cancelled.status, 422);
      assert.equal((await cancelled.json()).result.status, 12);
    } finally {
      emulator.close();
    }
  });
});

describe("emulator fidelity: POST /agents/run with stream: true", () => {
  it("streams bare snapshots of the assistant message, pending until the last (ready), then ends", async () => {
    const emulator = createEmulator({ stepMs: 2, heartbeatMs: 1 });
    try {
      const response = await post(emulator, "/agents/run", {
        "agent_config": PLAIN_AGENT,
        input: input("Say something nice"),
        stream: true,
      }, { accept: "application/x-ndjson" });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/x-ndjson");
      const all = await lines(response);
      const snapshots = all.filter((line) => !("type" in line) && !("event" in line));
      const heartbeats = all.filter((line) => line.type === "heartbeat");
      const events = all.filter((line) => "event" in line);
      assert.ok(snapshots.length >= 3, `several snapshots (got ${snapshots.length})`);
      assert.ok(heartbeats.length >= 1, "heartbeats between them");
      assert.ok(events.length >= 1 && events.every((line) => line.event === "agent_runs"));
      const [fixtureKeys] = keysOf(AGENT_RUN_STREAM);
      for (const key of SNAPSHOT_KEYS) assert.ok(fixtureKeys!.includes(key), `fixture has ${key}`);
      for (const snapshot of snapshots) {
        for (const key of SNAPSHOT_KEYS) assert.ok(key in snapshot, `snapshot has ${key}`);
        // Every key of a live snapshot, and no other.
        assert.deepEqual(Object.keys(snapshot).sort(), [...fixtureKeys!].sort());
        assert.equal(snapshot.role, "assistant");
        assert.equal(snapshot.id, snapshots[0]!.id, "one message throughout");
      }
      const statuses = snapshots.map((snapshot) => snapshot.status);
      assert.ok(statuses.slice(0, -1).every((status) => status === "pending"), String(statuses));
      assert.equal(statuses.at(-1), "ready");
      assert.equal(all.at(-1), snapshots.at(-1), "the body ends with the ready snapshot");
      const text = (snapshots.at(-1)!.content as Json[]).map((part) => part.text).join("");
      assert.ok(text.length > 0, "the last snapshot has the text");
      assertShortId(snapshots[0]!, "streamed message");
      assertId(snapshots[0]!["agent_run_id"], "agent_run_id");
    } finally {
      emulator.close();
    }
  });

  it("parks a client tool call as awaiting_input; the stream goes on after POST /tools/{id}", async () => {
    const emulator = createEmulator({ stepMs: 1, heartbeatMs: 0 });
    try {
      const response = await post(emulator, "/agents/run", {
        "agent_config": WEATHER_AGENT,
        input: input("What is the weather in Lima?"),
        stream: true,
      });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      const seen: Json[] = [];
      let answered = false;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) !== -1) {
          const line = JSON.parse(buffer.slice(0, newline)) as Json;
          buffer = buffer.slice(newline + 1);
          if ("event" in line || "type" in line) continue;
          seen.push(line);
          const call = (line["tool_invocations"] as Json[])[0];
          if (call && !answered) {
            assert.equal(call.type, "client");
            assert.equal(call.status, "awaiting_input");
            assert.deepEqual((call.function as Json).arguments, { city: "Lima" });
            answered = true;
            const submitted = await post(emulator, `/tools/${call.id}`, { result: "12°C" });
            assert.equal(submitted.status, 200);
            await submitted.body?.cancel();
          }
        }
      }
      assert.ok(answered);
      const last = seen.at(-1)!;
      assert.equal(last.status, "ready");
      assert.equal(((last["tool_invocations"] as Json[])[0]!).status, "completed");
    } finally {
      emulator.close();
    }
  });

  it("answers plain JSON when the chat is busy and the message is queued", async () => {
    const emulator = createEmulator({ stepMs: 5, heartbeatMs: 0 });
    try {
      const first = await data(post(emulator, "/agents/run", {
        "agent_config": PLAIN_AGENT,
        input: input("one"),
      }));
      const chatId = (first["assistant_message"] as Json)["chat_id"];
      const queued = await post(emulator, "/agents/run", {
        "chat_id": chatId,
        input: input("two"),
        stream: true,
      });
      assert.match(queued.headers.get("content-type") ?? "", /^application\/json/);
      const body = (await queued.json()).data;
      assert.equal(body["user_message"].status, "queued");
      assert.equal(body["assistant_message"], undefined);
    } finally {
      emulator.close();
    }
  });
});

describe("emulator fidelity: /agents/run input", () => {
  it("turns input.attachments into image and file parts, next to images and files", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const turn = await data(post(emulator, "/agents/run", {
        "agent_config": PLAIN_AGENT,
        input: input("look", {
          images: ["https://cdn.example/a.png"],
          attachments: [
            {
              id: "1k8d3m6q9t2w5x7c0v4n8r1b3h",
              uri: "https://cdn.example/b.jpg",
              filename: "b.jpg",
              "content_type": "image/jpeg",
              size: 10,
            },
            {
              uri: "https://cdn.example/c.pdf",
              filename: "c.pdf",
              "content_type": "application/pdf",
            },
            { uri: "https://cdn.example/d.bin" },
          ],
        }),
      }));
      const parts = (turn["user_message"] as Json).content as Json[];
      assert.deepEqual(parts.map((part) => [part.type, part.text ?? part.image ?? part.file]), [
        ["text", "look"],
        ["image", "https://cdn.example/a.png"],
        ["image", "https://cdn.example/b.jpg"],
        ["file", "https://cdn.example/c.pdf"],
        ["file", "https://cdn.example/d.bin"],
      ]);
      // Every key of a live content part, null when unused.
      for (const part of parts) {
        assert.deepEqual(Object.keys(part), [
          "type",
          "error",
          "text",
          "image",
          "file",
          "tool_calls",
        ]);
      }
      for (const attachments of ["x", [{ filename: "no uri" }], [null]]) {
        const bad = await post(emulator, "/agents/run", {
          "agent_config": PLAIN_AGENT,
          input: input("bad", { attachments }),
        });
        assert.equal(bad.status, 400, JSON.stringify(attachments));
        assert.match((await bad.json()).field, /^input\.attachments/);
      }
    } finally {
      emulator.close();
    }
  });
});

describe("emulator fidelity: task streams", () => {
  it("carry session_id on every update line of a session's task, like the fixture", async () => {
    const emulator = createEmulator({ stepMs: 1, heartbeatMs: 0 });
    try {
      const task = await data(post(emulator, "/apps/run", {
        app: "infsh/echo",
        input: {},
        session: "new",
      }));
      const stream = await lines(await get(emulator, `/tasks/${task.id}/stream`));
      const updates = stream.filter((line) => "fields" in line);
      assert.ok(updates.length >= 3);
      for (const line of updates) {
        assert.equal((line.data as Json)["session_id"], task["session_id"]);
      }
      // The fixture says the same of the live API.
      const fixture = SESSION_TASK_STREAM.trim().split("\n").map((line) => JSON.parse(line));
      for (const line of fixture.filter((line) => "fields" in line)) {
        assert.ok("session_id" in line.data);
      }
      // A client that keeps only the last line (the Python SDK) still learns the session.
      assert.equal((updates.at(-1)!.data as Json)["session_id"], task["session_id"]);
      // No session, no session_id.
      const plain = await data(post(emulator, "/apps/run", { app: "infsh/echo", input: {} }));
      const plainLines = await lines(await get(emulator, `/tasks/${plain.id}/stream`));
      assert.ok(plainLines.every((line) => !("session_id" in ((line.data as Json) ?? {}))));
    } finally {
      emulator.close();
    }
  });

  it("frame chat streams as NDJSON or SSE by Accept", async () => {
    const emulator = createEmulator({ stepMs: 1, heartbeatMs: 0 });
    try {
      const turn = await data(post(emulator, "/agents/run", {
        "agent_config": PLAIN_AGENT,
        input: input("hello"),
      }));
      const chatId = (turn["assistant_message"] as Json)["chat_id"];
      const ndjson = await get(emulator, `/chats/${chatId}/stream`, {
        accept: "application/x-ndjson",
      });
      assert.equal(ndjson.headers.get("content-type"), "application/x-ndjson");
      const reader = ndjson.body!.pipeThrough(new TextDecoderStream()).getReader();
      const first = (await reader.read()).value ?? "";
      assert.equal(JSON.parse(first.split("\n")[0]!).event, "chats");
      await reader.cancel();
      const sse = await get(emulator, `/chats/${chatId}/stream`, { accept: "text/event-stream" });
      assert.equal(sse.headers.get("content-type"), "text/event-stream");
      const sseReader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
      assert.match((await sseReader.read()).value ?? "", /^event: chats\ndata: \{/);
      await sseReader.cancel();
    } finally {
      emulator.close();
    }
  });
});

describe("emulator fidelity: rate limits", () => {
  it("announce X-RateLimit-Remaining and X-RateLimit-Reset (Unix seconds) per route class", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 2, 9, 0, 30));
    const emulator = createEmulator({ stepMs: 0, clock });
    try {
      const reset = String(Date.UTC(2026, 10, 2, 9, 1, 0) / 1000);
      const runs = [];
      for (let i = 0; i < 3; i++) {
        const response = await post(emulator, "/apps/run", { app: "infsh/echo", input: {} });
        runs.push(response.headers.get("x-ratelimit-remaining"));
        assert.equal(response.headers.get("x-ratelimit-reset"), reset);
        assert.equal(response.headers.get("retry-after"), null);
        await response.body?.cancel();
      }
      assert.deepEqual(runs, ["99", "98", "97"], "runs: 100 a minute");
      const read = await get(emulator, "/tasks/0000000000000000000000000z");
      assert.equal(read.headers.get("x-ratelimit-remaining"), "999", "task reads: 1000 a minute");
      await read.body?.cancel();
      const upload = await post(emulator, "/files", { files: [{ filename: "a" }] });
      assert.equal(upload.headers.get("x-ratelimit-remaining"), "49", "uploads: 50 a minute");
      await upload.body?.cancel();
      assert.match(upload.headers.get("access-control-expose-headers") ?? "", /X-RateLimit-Reset/);
      clock.advance(30_000);
      const next = await post(emulator, "/apps/run", { app: "infsh/echo", input: {} });
      assert.equal(next.headers.get("x-ratelimit-remaining"), "99", "a new window");
      assert.equal(next.headers.get("x-ratelimit-reset"), String(Number(reset) + 60));
      await next.body?.cancel();
    } finally {
      emulator.close();
    }
  });

  it("rateLimitNext() refuses with 429 and only the rate-limit headers, no Retry-After", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 2, 9, 0, 0, 400));
    const emulator = createEmulator({ stepMs: 0, clock });
    try {
      emulator.faults.rateLimitNext({ resetAfter: 3, path: "/apps/run" });
      const refused = await post(emulator, "/apps/run", { app: "infsh/echo", input: {} });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), null);
      assert.equal(refused.headers.get("x-ratelimit-remaining"), "0");
      assert.equal(
        refused.headers.get("x-ratelimit-reset"),
        String(Math.ceil(clock.now() / 1000) + 3),
      );
      assert.equal((await refused.json()).code, "rate_limited");
      const accepted = await post(emulator, "/apps/run", { app: "infsh/echo", input: {} });
      assert.equal(accepted.status, 200);
      await accepted.body?.cancel();
      // The same fault over the control route, for a served emulator.
      const control = await emulator.fetch(`${API}/__emulator/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "rateLimitNext", resetAfter: 0 }),
      });
      assert.equal(control.status, 204);
      const again = await get(emulator, "/sessions");
      assert.equal(again.status, 429);
      assert.equal(again.headers.get("x-ratelimit-reset"), String(Math.ceil(clock.now() / 1000)));
      await again.body?.cancel();
      assert.throws(() => emulator.faults.rateLimitNext({ resetAfter: -1 }), RangeError);
      assert.throws(() => emulator.faults.rateLimitNext({ resetAfter: 1.5 }), RangeError);
    } finally {
      emulator.close();
    }
  });
});

describe("emulator fidelity: envelope notices", () => {
  it("noticeNext() puts a notice in the next matching envelope's messages, once", async () => {
    const emulator = createEmulator({ stepMs: 0 });
    try {
      const notice = {
        level: "warning",
        code: "concurrency_limit",
        message: "You have 3 tasks queued",
        meta: { limit: 3 },
      };
      emulator.faults.noticeNext(notice, { path: "/apps/run" });
      const other = await get(emulator, "/sessions");
      assert.deepEqual((await other.json()).messages, [], "another route: no notice");
      const first = await post(emulator, "/apps/run", { app: "infsh/echo", input: {} });
      assert.deepEqual((await first.json()).messages, [notice]);
      const second = await post(emulator, "/apps/run", { app: "infsh/echo", input: {} });
      assert.deepEqual((await second.json()).messages, [], "consumed");
      const control = await emulator.fetch(`${API}/__emulator/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "noticeNext", notice: { ...notice, code: "deprecated" } }),
      });
      assert.equal(control.status, 204);
      const third = await get(emulator, "/sessions");
      assert.equal((await third.json()).messages[0].code, "deprecated");
      assert.throws(() => emulator.faults.noticeNext(null as never), TypeError);
    } finally {
      emulator.close();
    }
  });
});

describe("emulator fidelity: files", () => {
  it("served on a socket, keeps file URIs on its own origin", { skip: !hasDeno }, async () => {
    await served({ stepMs: 1 }, async (_emulator, base) => {
      const created = await fetch(`${base}/files`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ files: [{ filename: "s.txt" }] }),
      });
      const [file] = (await created.json()).data;
      assert.ok(String(file.uri).startsWith(`${base}/__files/`), file.uri);
      assert.ok(String(file["upload_url"]).startsWith(`${base}/__storage/`), file["upload_url"]);
    });
  });

  it("in-process, hands out URIs on a host that is not the API's, and serves them through its fetch", async () => {
    const emulator = createEmulator({ stepMs: 1 });
    try {
      const [file] = await data(post(emulator, "/files", {
        files: [{ filename: "n.txt", "content_type": "text/plain" }],
      })) as unknown as Json[];
      const uri = new URL(String(file!.uri));
      const upload = new URL(String(file!["upload_url"]));
      assert.ok(uri.hostname.endsWith(".invalid"), uri.href);
      assert.ok(upload.hostname.endsWith(".invalid"), upload.href);
      assert.notEqual(uri.origin, API);
      const put = await emulator.fetch(upload, { method: "PUT", body: "abc" });
      assert.equal(put.status, 200);
      assert.equal(await (await emulator.fetch(uri)).text(), "abc");
      const stored = await data(get(emulator, `/files/${file!.id}`));
      assert.equal(stored.size, 3, "a record created without size reports what was stored");
    } finally {
      emulator.close();
    }
  });
});
