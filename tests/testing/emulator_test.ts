// The emulator's HTTP surface: envelope, problems, auth, validation, task endpoints, apps.
import { test } from "node:test";
import { deepStrictEqual, match, notStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createEmulator, ManualClock } from "../../src/testing/mod.ts";
import {
  API,
  AUTH,
  delay,
  fastEmulator,
  firstId,
  MISSING_ID,
  ndjson,
  openStream,
  postRun,
  run,
  ULID,
  waitTerminal,
} from "./_helpers.ts";

async function problemOf(response: Response): Promise<Record<string, unknown>> {
  strictEqual(response.headers.get("content-type"), "application/problem+json");
  const body = await response.json();
  strictEqual(body.status, response.status);
  strictEqual(typeof body.title, "string");
  strictEqual(typeof body.detail, "string");
  strictEqual(body.type, `https://api.inference.sh/errors/${body.code}`);
  return body;
}

test("POST /apps/run returns the TaskDTO in the envelope with status 1", async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 10, 30));
  const emulator = createEmulator({ clock, stepMs: 1 });
  try {
    const response = await postRun(emulator, {
      app: "infsh/echo",
      input: { prompt: "hi" },
      setup: { model: "schnell" },
      variant: "fp16",
      unknown_field: true,
    });
    strictEqual(response.status, 200);
    ok(/^application\/json\b/.test(response.headers.get("content-type") ?? ""));
    strictEqual(response.headers.get("access-control-allow-origin"), "*");
    const body = await response.json();
    deepStrictEqual(body.messages, []);
    const task = body.data;
    match(task.id, ULID);
    strictEqual(task.short_id, task.id.slice(0, 8));
    strictEqual(task.status, 1);
    strictEqual(task.created_at, "2026-01-15T10:30:00.000Z");
    strictEqual(task.updated_at, "2026-01-15T10:30:00.000Z");
    strictEqual(task.app_variant, "fp16");
    strictEqual(task.function, "run");
    strictEqual(task.infra, "cloud");
    deepStrictEqual(task.setup, { model: "schnell" });
    deepStrictEqual(task.input, { prompt: "hi" });
    strictEqual(task.output, null);
    strictEqual(task.error, "");
    strictEqual(task.rating, "unrated");
    for (
      const key of ["short_id", "user_id", "team_id", "visibility", "app_id", "app_version_id"]
    ) {
      strictEqual(typeof task[key], "string", key);
    }
    for (const key of ["workers", "events", "logs", "usage_events"]) deepStrictEqual(task[key], []);
    strictEqual("session_id" in task, false);
    const second = (await run(emulator, "infsh/echo")).id;
    match(second, ULID);
    notStrictEqual(second, task.id);
  } finally {
    emulator.close();
  }
});

test("API routes answer 401 unauthorized without a bearer key", async () => {
  const emulator = createEmulator({ apiKey: "inf_right" });
  try {
    const cases: Record<string, string>[] = [
      {},
      { authorization: "Bearer " },
      { authorization: "Basic abc" },
      { authorization: "Bearer inf_wrong" },
    ];
    for (const headers of cases) {
      const response = await emulator.fetch(`${API}/tasks/${MISSING_ID}`, { headers });
      strictEqual(response.status, 401);
      const problem = await problemOf(response);
      strictEqual(problem.code, "unauthorized");
      strictEqual(problem.title, "Unauthorized");
    }
    const unknown = await emulator.fetch(`${API}/nope`, {});
    strictEqual(unknown.status, 401);
    await unknown.body?.cancel();
    const right = await emulator.fetch(`${API}/tasks/${MISSING_ID}`, {
      headers: { authorization: "Bearer inf_right" },
    });
    strictEqual(right.status, 404);
    strictEqual((await problemOf(right)).code, "TASK_NOT_FOUND");
  } finally {
    emulator.close();
  }
});

test("POST /apps/run validation errors name the field", async () => {
  const emulator = fastEmulator();
  try {
    const cases: [unknown, string][] = [
      [{ input: {} }, "app"],
      [{ app: "", input: {} }, "app"],
      [{ app: 42, input: {} }, "app"],
      [{ app: "infsh/echo" }, "input"],
      [{ app: "infsh/echo", input: {}, infra: "moon" }, "infra"],
      [{ app: "infsh/echo", input: {}, variant: 3 }, "variant"],
    ];
    for (const [body, field] of cases) {
      const response = await postRun(emulator, body);
      strictEqual(response.status, 400, JSON.stringify(body));
      const problem = await problemOf(response);
      strictEqual(problem.code, "invalid_request");
      strictEqual(problem.field, field);
      ok(String(problem.detail).includes(`"${field}"`), String(problem.detail));
    }
    // An empty body with a JSON content type reads as {}: "app" is missing.
    const empty = await emulator.fetch(`${API}/apps/run`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
    });
    strictEqual(empty.status, 400);
    strictEqual((await problemOf(empty)).field, "app");
    const broken = await emulator.fetch(`${API}/apps/run`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: "{not json",
    });
    strictEqual(broken.status, 400);
    strictEqual((await problemOf(broken)).code, "invalid_request");
    strictEqual((await run(emulator, "infsh/echo")).id, firstId(), "nothing was created");
  } finally {
    emulator.close();
  }
});

test("POST /apps/run applies the session rules", async () => {
  const emulator = fastEmulator();
  try {
    for (const extra of [{ session_timeout: 30 }, { session: "sess_x", session_timeout: 30 }]) {
      const response = await postRun(emulator, { app: "infsh/echo", input: {}, ...extra });
      strictEqual(response.status, 400);
      strictEqual((await problemOf(response)).code, "INVALID_SESSION_TIMEOUT");
    }
    for (const timeout of [0, 3601, 1.5, "60"]) {
      const response = await postRun(emulator, {
        app: "infsh/echo",
        input: {},
        session: "new",
        session_timeout: timeout,
      });
      strictEqual(response.status, 400, String(timeout));
      strictEqual((await problemOf(response)).code, "INVALID_SESSION_TIMEOUT");
    }
    const missing = await postRun(emulator, { app: "infsh/echo", input: {}, session: "sess_nope" });
    strictEqual(missing.status, 404);
    strictEqual((await problemOf(missing)).code, "SESSION_NOT_FOUND");

    const fresh = await run(emulator, "infsh/echo", {}, { session: "new", session_timeout: 300 });
    match(String(fresh.session_id), ULID);
    strictEqual(fresh.session_timeout, 300);
    const byDefault = await run(emulator, "infsh/echo", {}, { session: "new" });
    match(String(byDefault.session_id), ULID);
    notStrictEqual(byDefault.session_id, fresh.session_id);
    strictEqual(byDefault.session_timeout, 60);
  } finally {
    emulator.close();
  }
});

test("POST /apps/run answers 404 APP_NOT_FOUND for an unknown app and accepts versions", async () => {
  const emulator = fastEmulator();
  try {
    const response = await postRun(emulator, { app: "acme/nothing", input: {} });
    strictEqual(response.status, 404);
    const problem = await problemOf(response);
    strictEqual(problem.code, "APP_NOT_FOUND");
    strictEqual(problem.title, "App not found");
    const pinned = await run(emulator, "infsh/echo@abc123", { a: 1 }, {
      function: "generate",
      infra: "private_first",
    });
    strictEqual(pinned.function, "generate");
    strictEqual(pinned.infra, "private_first");
    match(pinned.id, ULID);
  } finally {
    emulator.close();
  }
});

test("POST /apps/run for infsh/needs-secret answers 412 with errors[] and creates nothing", async () => {
  const emulator = fastEmulator();
  try {
    const response = await postRun(emulator, { app: "infsh/needs-secret", input: {} });
    strictEqual(response.status, 412);
    const problem = await problemOf(response);
    strictEqual(problem.code, "REQUIREMENTS_NOT_MET");
    deepStrictEqual(problem.errors, [{
      type: "secret",
      key: "OPENAI_API_KEY",
      message: "Secret OPENAI_API_KEY is required",
      action: { type: "add_secret" },
    }]);
    const created = await run(emulator, "infsh/echo");
    emulator.reset();
    strictEqual((await run(emulator, "infsh/echo")).id, created.id, "no id was spent on the 412");
  } finally {
    emulator.close();
  }
});

test("unknown routes answer 404 not_found, wrong methods 405", async () => {
  const emulator = fastEmulator();
  try {
    const missing = await emulator.fetch(`${API}/nothing/here`, { headers: AUTH });
    strictEqual(missing.status, 404);
    strictEqual((await problemOf(missing)).code, "not_found");
    const wrong = await emulator.fetch(`${API}/apps/run`, { headers: AUTH });
    strictEqual(wrong.status, 405);
    strictEqual(wrong.headers.get("allow"), "POST");
    strictEqual((await problemOf(wrong)).code, "method_not_allowed");
  } finally {
    emulator.close();
  }
});

test("OPTIONS preflights get 204 and the CORS allow headers", async () => {
  const emulator = fastEmulator();
  try {
    const response = await emulator.fetch(`${API}/apps/run`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-team-id",
      },
    });
    strictEqual(response.status, 204);
    strictEqual(response.headers.get("access-control-allow-origin"), "*");
    const methods = response.headers.get("access-control-allow-methods") ?? "";
    for (const method of ["GET", "POST", "PUT", "DELETE"]) ok(methods.includes(method));
    const headers = (response.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (
      const name of [
        "authorization",
        "content-type",
        "accept",
        "x-client-source",
        "x-inf-target-url",
        "x-team-id",
      ]
    ) {
      ok(headers.includes(name), name);
    }
  } finally {
    emulator.close();
  }
});

test("GET /tasks/{id}, /status and DELETE /tasks/{id} accept empty JSON bodies", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/echo", { x: 1 });
    const json = {
      ...AUTH,
      "content-type": "application/json",
      "x-api-version": "2",
      "x-client-source": "test",
    };
    const status = await emulator.fetch(`${API}/tasks/${task.id}/status`, { headers: json });
    strictEqual(status.status, 200);
    const { data } = await status.json();
    deepStrictEqual(Object.keys(data).sort(), ["id", "status", "updated_at"]);
    strictEqual(data.id, task.id);
    strictEqual(typeof data.status, "number");
    const get = await emulator.fetch(`${API}/tasks/${task.id}`, { headers: json });
    strictEqual((await get.json()).data.id, task.id);
    const removed = await emulator.fetch(`${API}/tasks/${task.id}`, {
      method: "DELETE",
      headers: json,
    });
    strictEqual(removed.status, 204);
    strictEqual(await removed.text(), "");
    const gone = await emulator.fetch(`${API}/tasks/${task.id}`, { headers: json });
    strictEqual(gone.status, 404);
    strictEqual((await problemOf(gone)).code, "TASK_NOT_FOUND");
    const again = await emulator.fetch(`${API}/tasks/${task.id}`, {
      method: "DELETE",
      headers: json,
    });
    strictEqual(again.status, 404);
    await again.body?.cancel();
  } finally {
    emulator.close();
  }
});

test("infsh/echo goes 1 → 2 → 3 → 4 → 7 → 10 with events, logs and output = input", async () => {
  const emulator = fastEmulator();
  try {
    const input = { prompt: "hello", nested: [1, { deep: true }], emoji: "🎉" };
    const task = await run(emulator, "infsh/echo", input);
    const done = await waitTerminal(emulator, task.id);
    strictEqual(done.status, 10);
    deepStrictEqual(done.output, input);
    const events = done.events as { status: number; task_id: string; event_time: string }[];
    deepStrictEqual(events.map((event) => event.status), [2, 3, 4, 7, 10]);
    for (const event of events) {
      strictEqual(event.task_id, task.id);
      ok(!Number.isNaN(Date.parse(event.event_time)));
    }
    const logs = done.logs as { log_type: number; content: string }[];
    strictEqual(logs.length, 1);
    strictEqual(logs[0]?.log_type, 4);
    ok(logs[0]?.content.includes("infsh/echo"));
    ok(Date.parse(String(done.updated_at)) >= Date.parse(String(done.created_at)));
  } finally {
    emulator.close();
  }
});

test("infsh/fail ends in status 11 with the input's message or 'app failed'", async () => {
  const emulator = fastEmulator();
  try {
    const custom = await run(emulator, "infsh/fail", { message: "boom: CUDA OOM" });
    const plain = await run(emulator, "infsh/fail", {});
    const failed = await waitTerminal(emulator, custom.id);
    strictEqual(failed.status, 11);
    strictEqual(failed.error, "boom: CUDA OOM");
    strictEqual(failed.output, null);
    strictEqual((await waitTerminal(emulator, plain.id)).error, "app failed");
  } finally {
    emulator.close();
  }
});

test("infsh/sleep completes with { slept } after the given seconds", async () => {
  const emulator = fastEmulator();
  try {
    const started = Date.now();
    const task = await run(emulator, "infsh/sleep", { seconds: 0.05 });
    const done = await waitTerminal(emulator, task.id);
    strictEqual(done.status, 10);
    deepStrictEqual(done.output, { slept: 0.05 });
    ok(Date.now() - started >= 50);
  } finally {
    emulator.close();
  }
});

test("POST /tasks/{id}/cancel stops infsh/sleep at once: 8 then 12", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/sleep", { seconds: 60 });
    while (emulator.task(task.id)?.status !== 7) await delay(2);
    const stream = await openStream(emulator, task.id);
    const cancel = await emulator.fetch(`${API}/tasks/${task.id}/cancel`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
    });
    strictEqual(cancel.status, 200);
    const { data } = await cancel.json();
    strictEqual(data.id, task.id);
    strictEqual(data.status, 12);
    const lines = await ndjson(stream);
    const statuses = lines.slice(1).map((line) => (line.data as { status: number }).status);
    deepStrictEqual(statuses.slice(-2), [8, 12]);
    const events = (emulator.task(task.id)?.events ?? []).map((event) => event.status);
    deepStrictEqual(events, [2, 3, 4, 7, 8, 12]);
    // Cancelling a terminal task is fine and changes nothing.
    const before = emulator.task(task.id);
    const again = await emulator.fetch(`${API}/tasks/${task.id}/cancel`, {
      method: "POST",
      headers: AUTH,
    });
    strictEqual(again.status, 200);
    deepStrictEqual((await again.json()).data, before);
    await delay(10);
    strictEqual(emulator.task(task.id)?.status, 12);
  } finally {
    emulator.close();
  }
});

test("infsh/text-stream completes with the echoed reply, non-ASCII intact", async () => {
  const emulator = fastEmulator();
  try {
    const prompt = "héllo 世界 🌍👩‍💻 done";
    const task = await run(emulator, "infsh/text-stream", { prompt });
    const done = await waitTerminal(emulator, task.id);
    deepStrictEqual(done.output, { response: `Echo: ${prompt}` });
  } finally {
    emulator.close();
  }
});

test("requests records method, path with search, lower-case headers and body", async () => {
  const emulator = fastEmulator();
  try {
    await run(emulator, "infsh/echo", { a: 1 });
    const { id } = await run(emulator, "infsh/echo", { a: 1 });
    emulator.requests.length = 1;
    const response = await emulator.fetch(`${API}/tasks/${id}?x=1`, {
      headers: { Authorization: "Bearer inf_test", "X-Client-Source": "inference-sdk-js/0.5.13" },
    });
    await response.body?.cancel();
    strictEqual(emulator.requests.length, 2);
    const [post, get] = emulator.requests;
    strictEqual(post?.method, "POST");
    strictEqual(post?.path, "/apps/run");
    deepStrictEqual(JSON.parse(post?.body ?? ""), { app: "infsh/echo", input: { a: 1 } });
    strictEqual(get?.method, "GET");
    strictEqual(get?.path, `/tasks/${id}?x=1`);
    strictEqual(get?.headers["x-client-source"], "inference-sdk-js/0.5.13");
    strictEqual(get?.headers["authorization"], "Bearer inf_test");
    strictEqual(get?.body, "");
  } finally {
    emulator.close();
  }
});

test("reset() forgets tasks, requests and faults, and ids start again", async () => {
  const emulator = fastEmulator();
  try {
    const first = await run(emulator, "infsh/sleep", { seconds: 60 });
    emulator.faults.failNext(500, { path: "/never" });
    emulator.reset();
    strictEqual(emulator.requests.length, 0);
    strictEqual(emulator.task(first.id), undefined);
    const again = await run(emulator, "infsh/echo");
    strictEqual(again.id, first.id, "the id sequence starts again");
    const response = await emulator.fetch(`${API}/never`, { headers: AUTH });
    strictEqual(response.status, 404);
    await response.body?.cancel();
    await waitTerminal(emulator, again.id);
  } finally {
    emulator.close();
  }
});

test("requests after close() get a 503 problem", async () => {
  const emulator = fastEmulator();
  emulator.close();
  const response = await emulator.fetch(`${API}/tasks/${MISSING_ID}`, { headers: AUTH });
  strictEqual(response.status, 503);
  strictEqual((await problemOf(response)).code, "service_unavailable");
});
