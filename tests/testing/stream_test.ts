// GET /tasks/{id}/stream: framings, SSE, deltas, heartbeats, aborts.
import { test } from "node:test";
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { emulatorState } from "../../src/testing/emulator.ts";
import {
  API,
  AUTH,
  delay,
  fastEmulator,
  MISSING_ID,
  ndjson,
  openStream,
  run,
  waitTerminal,
} from "./_helpers.ts";

type Line = Record<string, unknown>;

function isDelta(line: Line): boolean {
  return line.event === "delta";
}

test("partial framing: full state with every key, then {data, fields} changes, then the end", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/echo", { n: 1 });
    const response = await openStream(emulator, task.id);
    strictEqual(response.status, 200);
    strictEqual(response.headers.get("content-type"), "application/x-ndjson");
    const lines = await ndjson(response);
    const [first, ...rest] = lines;
    const full = first?.data as Line;
    strictEqual(full.id, task.id);
    deepStrictEqual(first?.fields, Object.keys(full));
    ok((first?.fields as string[]).includes("input"));
    for (const line of rest) {
      const data = line.data as Line;
      const fields = line.fields as string[];
      strictEqual(data.id, task.id);
      strictEqual(typeof data.status, "number");
      ok(fields.includes("updated_at"));
      for (const field of fields) ok(field in data, field);
    }
    const statuses = rest.filter((line) => (line.fields as string[]).includes("status"))
      .map((line) => (line.data as Line).status);
    deepStrictEqual(statuses, [2, 3, 4, 7, 10]);
    const last = rest.at(-1);
    strictEqual((last?.data as Line).status, 10);
    deepStrictEqual((last?.data as Line).output, { n: 1 });
    ok((last?.fields as string[]).includes("output"));
  } finally {
    emulator.close();
  }
});

test("bare framing: every update line is the full TaskDTO", async () => {
  const emulator = fastEmulator({ framing: "bare" });
  try {
    const task = await run(emulator, "infsh/echo", { n: 2 });
    const lines = await ndjson(await openStream(emulator, task.id));
    ok(lines.length >= 6);
    for (const line of lines) {
      strictEqual("data" in line, false);
      strictEqual(line.id, task.id);
      strictEqual(line.app_id, task.app_id);
      deepStrictEqual(line.input, { n: 2 });
    }
    strictEqual(lines[0]?.status, 1);
    strictEqual(lines.at(-1)?.status, 10);
    deepStrictEqual(lines.at(-1)?.output, { n: 2 });
  } finally {
    emulator.close();
  }
});

test("wrapped framing: every update line is {data: full TaskDTO} without fields", async () => {
  const emulator = fastEmulator({ framing: "wrapped" });
  try {
    const task = await run(emulator, "infsh/fail", { message: "nope" });
    const lines = await ndjson(await openStream(emulator, task.id));
    for (const line of lines) {
      deepStrictEqual(Object.keys(line), ["data"]);
      const data = line.data as Line;
      strictEqual(data.id, task.id);
      strictEqual(data.app_id, task.app_id);
    }
    const last = lines.at(-1)?.data as Line;
    strictEqual(last.status, 11);
    strictEqual(last.error, "nope");
  } finally {
    emulator.close();
  }
});

test("deltas of infsh/text-stream concatenate to the output, seq from 1, non-ASCII intact", async () => {
  const emulator = fastEmulator();
  try {
    const prompt = "héllo 世界 🌍 naïve 👩‍💻 end";
    const task = await run(emulator, "infsh/text-stream", { prompt });
    const lines = await ndjson(await openStream(emulator, task.id));
    const deltas = lines.filter(isDelta).map((line) =>
      line.data as { delta: { response: string }; seq: number }
    );
    ok(deltas.length >= 5);
    deepStrictEqual(deltas.map((delta) => delta.seq), deltas.map((_, i) => i + 1));
    for (const line of lines.filter(isDelta)) deepStrictEqual(Object.keys(line), ["event", "data"]);
    const text = deltas.map((delta) => delta.delta.response).join("");
    strictEqual(text, `Echo: ${prompt}`);
    const last = lines.at(-1)?.data as Line;
    strictEqual(last.status, 10);
    deepStrictEqual(last.output, { response: text });
    // Deltas come while running: after the status-7 line, before the terminal one.
    const firstDelta = lines.findIndex(isDelta);
    const running = lines.findIndex((line) => (line.data as Line)?.status === 7);
    ok(running !== -1 && running < firstDelta);
  } finally {
    emulator.close();
  }
});

test("SSE: data events carry the NDJSON JSON, deltas are named events, heartbeats are comments", async () => {
  const emulator = fastEmulator({ heartbeatMs: 3, stepMs: 5 });
  try {
    const task = await run(emulator, "infsh/text-stream", { prompt: "über 東京" });
    const response = await openStream(emulator, task.id, { accept: "text/event-stream" });
    strictEqual(response.headers.get("content-type"), "text/event-stream");
    const text = await response.text();
    ok(text.endsWith("\n\n"));
    const events = text.slice(0, -2).split("\n\n");
    let heartbeats = 0;
    const updates: Line[] = [];
    const deltas: Line[] = [];
    for (const event of events) {
      if (event === ": heartbeat") {
        heartbeats += 1;
      } else if (event.startsWith("event: delta\ndata: ")) {
        deltas.push(JSON.parse(event.slice("event: delta\ndata: ".length)));
      } else {
        ok(event.startsWith("data: "), event);
        strictEqual(event.includes("\n"), false);
        updates.push(JSON.parse(event.slice("data: ".length)));
      }
    }
    ok(heartbeats >= 1, "at least one heartbeat");
    strictEqual((updates[0]?.data as Line).id, task.id);
    ok(Array.isArray(updates[0]?.fields));
    strictEqual((updates.at(-1)?.data as Line).status, 10);
    strictEqual(deltas.map((d) => (d.delta as Line).response).join(""), "Echo: über 東京");
    strictEqual(deltas[0]?.seq, 1);
  } finally {
    emulator.close();
  }
});

test('NDJSON heartbeats are {"type":"heartbeat"} lines every heartbeatMs', async () => {
  const emulator = fastEmulator({ heartbeatMs: 5 });
  try {
    const task = await run(emulator, "infsh/sleep", { seconds: 0.06 });
    const text = await (await openStream(emulator, task.id)).text();
    const beats = text.split("\n").filter((line) => line === `{"type":"heartbeat"}`);
    ok(beats.length >= 3, `${beats.length} heartbeats`);
  } finally {
    emulator.close();
  }
});

test("a stream of a terminal task sends its state and closes", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/echo", { z: 1 });
    await waitTerminal(emulator, task.id);
    const lines = await ndjson(await openStream(emulator, task.id));
    strictEqual(lines.length, 1);
    strictEqual((lines[0]?.data as Line).status, 10);
    deepStrictEqual((lines[0]?.data as Line).output, { z: 1 });
  } finally {
    emulator.close();
  }
});

test("a stream of an unknown task is a 404 problem, not a stream", async () => {
  const emulator = fastEmulator();
  try {
    const response = await openStream(emulator, MISSING_ID);
    strictEqual(response.status, 404);
    strictEqual(response.headers.get("content-type"), "application/problem+json");
    strictEqual((await response.json()).code, "TASK_NOT_FOUND");
  } finally {
    emulator.close();
  }
});

test("aborting while reading errors the body with the reason and unsubscribes", async () => {
  const emulator = fastEmulator({ heartbeatMs: 5 });
  const state = emulatorState(emulator);
  try {
    const task = await run(emulator, "infsh/sleep", { seconds: 60 });
    const controller = new AbortController();
    const response = await openStream(emulator, task.id, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    strictEqual(first.done, false);
    strictEqual(state?.tasks.subscriberCount, 1);
    strictEqual(state?.streams.size, 1);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await rejects(reader.read(), (error) => error === reason);
    strictEqual(state?.tasks.subscriberCount, 0);
    strictEqual(state?.streams.size, 0);
    // Only the sleep app's own timer is left: no heartbeat interval.
    strictEqual(state?.timers.pending, 1);
  } finally {
    emulator.close();
  }
});

test("an already-aborted signal rejects with its reason and sends nothing", async () => {
  const emulator = fastEmulator();
  try {
    const reason = new DOMException("stop", "AbortError");
    await rejects(
      emulator.fetch(`${API}/tasks/${MISSING_ID}`, {
        headers: AUTH,
        signal: AbortSignal.abort(reason),
      }),
      (error) => error === reason,
    );
    strictEqual(emulator.requests.length, 0);
  } finally {
    emulator.close();
  }
});

test("cancelling the body from the client side unsubscribes too", async () => {
  const emulator = fastEmulator({ heartbeatMs: 5 });
  const state = emulatorState(emulator);
  try {
    const task = await run(emulator, "infsh/sleep", { seconds: 60 });
    const response = await openStream(emulator, task.id);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    strictEqual(state?.tasks.subscriberCount, 0);
    strictEqual(state?.streams.size, 0);
    await delay(15); // heartbeats would have fired; nothing must throw
  } finally {
    emulator.close();
  }
});

test("deleting a task ends its open streams", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/sleep", { seconds: 60 });
    const response = await openStream(emulator, task.id);
    const removed = await emulator.fetch(`${API}/tasks/${task.id}`, {
      method: "DELETE",
      headers: AUTH,
    });
    strictEqual(removed.status, 204);
    const lines = await ndjson(response);
    ok(lines.length >= 1);
  } finally {
    emulator.close();
  }
});
