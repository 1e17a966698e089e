import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  inference,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  type Task,
  TaskStatusCompleted,
} from "../../mod.ts";
import { KEY, setup } from "../tasks/_setup.ts";
import { studioApp } from "../cli/_studio.ts";

/** The API calls the emulator got, as `METHOD path`. */
function calls(emulator: ReturnType<typeof setup>["emulator"], prefix = "/"): string[] {
  return emulator.requests.filter((r) => r.path.startsWith(prefix)).map((r) =>
    `${r.method} ${r.path}`
  );
}

describe("apps.get", () => {
  it("reads a built-in app's schemas, functions, variants and secrets by name", async () => {
    using env = setup();
    const app = await env.client.apps.get("infsh/image");
    assert.equal(`${app.namespace}/${app.name}`, "infsh/image");
    const version = app.version!;
    assert.equal(app.version_id, version.id);
    const properties = version.input_schema?.["properties"] as Record<string, { maximum?: number }>;
    assert.equal(properties["width"]?.maximum, 1024);
    assert.deepEqual(Object.keys(version.variants ?? {}), ["default", "fp16"]);
    assert.equal(version.default_function, "run");
    assert.ok(version.functions?.["run"]);
    const secrets = (await env.client.apps.get("infsh/needs-secret")).version?.required_secrets;
    assert.deepEqual(secrets?.map((s) => s.key), ["OPENAI_API_KEY"]);
  });

  it("reads by name@version and by id, and the app's own schema from createEmulator({ apps })", async () => {
    using env = setup({ apps: [studioApp] });
    const byName = await env.client.apps.get("acme/studio@v2");
    const byId = await env.client.apps.get(byName.id);
    assert.deepEqual(byId, byName);
    assert.deepEqual(calls(env.emulator), [
      "GET /apps/acme/studio@v2",
      `GET /apps/${encodeURIComponent(byName.id)}`,
    ]);
    assert.deepEqual(Object.keys(byName.version?.functions ?? {}).sort(), ["edit", "run"]);
    assert.equal(byName.description, "Makes images from a prompt and up to five reference images.");
  });

  it("rejects an unknown app with NotFoundError, and a malformed ref before any request", async () => {
    using env = setup();
    await assert.rejects(env.client.apps.get("acme/missing"), NotFoundError);
    for (const ref of ["", "a/b/c", "/b", "a/"]) {
      await assert.rejects(env.client.apps.get(ref), TypeError, ref);
    }
    assert.deepEqual(calls(env.emulator), ["GET /apps/acme/missing"]);
  });
});

describe("apps.list", () => {
  it("lists the built-in apps and the emulator's own, in pages", async () => {
    using env = setup({ apps: [studioApp] });
    const refs: string[] = [];
    for await (const app of env.client.apps.list({ limit: 3 })) {
      refs.push(`${app.namespace}/${app.name}`);
    }
    assert.equal(refs.length, 9);
    assert.equal(refs[0], "infsh/echo");
    assert.equal(refs.at(-1), "acme/studio");
    assert.equal(calls(env.emulator, "/apps/list").length, 3);
  });
});

describe("lists", () => {
  it("iterate every task across pages, newest first, following the cursor", async () => {
    using env = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await env.client.tasks.run({ app: "infsh/echo", input: { i } })).id);
    }
    const seen: string[] = [];
    for await (const task of env.client.tasks.list({ limit: 2 })) seen.push(task.id);
    assert.deepEqual(seen, ids.reverse());
    const lists = env.emulator.requests.filter((r) => r.path === "/tasks/list");
    assert.equal(lists.length, 3);
    const bodies = lists.map((r) => JSON.parse(r.body) as { cursor?: string; limit: number });
    assert.equal(bodies[0]?.cursor, undefined);
    assert.ok(bodies[1]?.cursor && bodies[2]?.cursor && bodies[1].cursor !== bodies[2].cursor);
    assert.ok(bodies.every((body) => body.limit === 2));
  });

  it("take one page, or the page at a cursor, or every page", async () => {
    using env = setup();
    for (let i = 0; i < 3; i++) await env.client.tasks.run({ app: "infsh/echo", input: { i } });
    const list = env.client.tasks.list({ limit: 2 });
    const first = await list.page();
    assert.equal(first.items.length, 2);
    assert.equal(first.has_next, true);
    assert.equal(first.total_items, 3);
    const second = await list.page(first.next_cursor);
    assert.equal(second.items.length, 1);
    assert.equal(second.has_next, false);
    assert.equal(second.next_cursor, "");
    const sizes: number[] = [];
    for await (const page of list.pages()) sizes.push(page.items.length);
    assert.deepEqual(sizes, [2, 1]);
    // Nothing is sent until asked.
    const before = env.emulator.requests.length;
    env.client.tasks.list();
    assert.equal(env.emulator.requests.length, before);
  });

  it("send filters as given", async () => {
    using env = setup();
    await env.client.tasks.run({ app: "infsh/echo", input: {} });
    await env.client.tasks.run({ app: "infsh/fail", input: {} });
    const done: Task[] = [];
    const filter = { field: "status", operator: "eq", value: TaskStatusCompleted };
    for await (const task of env.client.tasks.list({ filters: [filter] })) done.push(task);
    assert.equal(done.length, 1);
    assert.equal(done[0]?.status, TaskStatusCompleted);
  });

  it("retry a page like a read, and refuse a bad limit before any request", async () => {
    using env = setup();
    env.emulator.faults.failNext(503, { path: "/files/list" });
    const page = await env.client.files.list().page();
    assert.deepEqual(page.items, []);
    assert.equal(calls(env.emulator, "/files/list").length, 2);
    for (const limit of [0, 1.5, -1, "2"]) {
      assert.throws(() => env.client.tasks.list({ limit: limit as number }), RangeError);
    }
  });

  it("stop with an error when the API repeats a cursor, instead of looping forever", async () => {
    let requests = 0;
    const client = inference({
      apiKey: KEY,
      fetch: () => {
        requests++;
        const body = { data: { items: [{ id: "t" }], next_cursor: "same", has_next: true } };
        return Promise.resolve(Response.json(body));
      },
    });
    const seen: unknown[] = [];
    await assert.rejects(async () => {
      for await (const task of client.tasks.list()) seen.push(task);
    }, /cursor "same" twice/);
    // The first page, then the page at "same", which names "same" again.
    assert.equal(requests, 2);
    assert.equal(seen.length, 2);
  });
});

describe("tasks.delete, files.get/delete, chats.get/list", () => {
  it("delete a task, then reading it is a NotFoundError", async () => {
    using env = setup();
    const task = await env.client.tasks.run({ app: "infsh/echo", input: {} });
    await env.client.tasks.delete(task.id);
    await assert.rejects(env.client.tasks.get(task.id), NotFoundError);
    await assert.rejects(env.client.tasks.delete(task.id), NotFoundError);
  });

  it("get, list and delete files", async () => {
    using env = setup();
    const a = await env.client.files.upload(new Blob(["a"]), { filename: "a.txt" });
    const b = await env.client.files.upload(new Blob(["bb"]), { filename: "b.txt" });
    assert.equal((await env.client.files.get(a.id)).filename, "a.txt");
    const names: string[] = [];
    for await (const file of env.client.files.list({ limit: 1 })) names.push(file.filename ?? "");
    assert.deepEqual(names, ["b.txt", "a.txt"]);
    await env.client.files.delete(b.id);
    await assert.rejects(env.client.files.get(b.id), NotFoundError);
    assert.equal((await env.client.files.list().page()).items.length, 1);
  });

  it("get and list chats", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("hi");
    const chat = await env.client.chats.get(agent.chatId!);
    assert.equal(chat.id, agent.chatId);
    const ids: string[] = [];
    for await (const item of env.client.chats.list()) ids.push(item.id);
    assert.deepEqual(ids, [agent.chatId]);
    await assert.rejects(env.client.chats.get("nope"), NotFoundError);
  });
});

describe("client.request", () => {
  it("reaches an endpoint the SDK does not wrap, with body and query, envelope unwrapped", async () => {
    using env = setup();
    await env.client.tasks.run({ app: "infsh/echo", input: {} });
    const page = await env.client.request<{ items: Task[]; has_next: boolean }>(
      "POST",
      "/tasks/list",
      {
        body: { limit: 1 },
        query: { include: ["a", "b"], plus: "a+b", skip: undefined, none: null },
      },
    );
    assert.equal(page.items.length, 1);
    const [request] = env.emulator.requests.filter((r) => r.path.startsWith("/tasks/list"));
    assert.equal(request?.path, "/tasks/list?include=%5B%22a%22%2C%22b%22%5D&plus=a%2Bb");
    assert.equal(request?.headers["authorization"], `Bearer ${KEY}`);
    assert.deepEqual(JSON.parse(request?.body ?? ""), { limit: 1 });
    const app = await env.client.request<{ name: string }>("GET", "/apps/infsh/echo");
    assert.equal(app.name, "echo");
  });

  it("retries reads on 5xx, POSTs only on 429/503 unless idempotent", async () => {
    using env = setup();
    env.emulator.faults.failNext(503, { path: "/apps/infsh/echo", times: 2 });
    await env.client.request("GET", "/apps/infsh/echo");
    assert.equal(calls(env.emulator, "/apps/infsh/echo").length, 3);

    env.emulator.faults.failNext(500, { path: "/tasks/list" });
    await assert.rejects(
      env.client.request("POST", "/tasks/list", { body: {} }),
      InternalServerError,
    );
    assert.equal(calls(env.emulator, "/tasks/list").length, 1);
    env.emulator.faults.failNext(429, { path: "/tasks/list" });
    await env.client.request("POST", "/tasks/list", { body: {} });
    assert.equal(calls(env.emulator, "/tasks/list").length, 3);
    env.emulator.faults.failNext(500, { path: "/tasks/list", retryAfter: "0" });
    await env.client.request("POST", "/tasks/list", { body: {}, idempotent: true });
    assert.equal(calls(env.emulator, "/tasks/list").length, 5);

    env.emulator.faults.failNext(429, { path: "/tasks/list", times: 3 });
    await assert.rejects(
      env.client.request("POST", "/tasks/list", { body: {}, maxRetries: 1 }),
      RateLimitError,
    );
  });

  it("throws typed errors with the key redacted", async () => {
    const key = "inf_secret_key_0123456789";
    const client = inference({
      apiKey: key,
      maxRetries: 0,
      fetch: (_input, init) => {
        const auth = new Headers(init?.headers).get("authorization");
        return Promise.resolve(
          new Response(JSON.stringify({ detail: `unknown key ${auth}` }), {
            status: 404,
            headers: { "content-type": "application/problem+json" },
          }),
        );
      },
    });
    const error = await client.request("GET", "/flows/f1").catch((e: unknown) => e);
    assert.ok(error instanceof NotFoundError, String(error));
    assert.doesNotMatch(`${error.message} ${error.body ?? ""}`, new RegExp(key));
    assert.match(error.message, /GET \/flows\/f1/);
  });

  it("refuses full URLs, bad methods and a query given twice, before any request", async () => {
    using env = setup();
    const attempts: [string, string, object?][] = [
      ["GET", "https://evil.example/tasks"],
      ["GET", "//evil.example/tasks"],
      ["GET", "tasks"],
      ["PATCH", "/tasks/list"],
      ["GET", "/tasks?limit=1", { query: { limit: 2 } }],
    ];
    for (const [method, path, options] of attempts) {
      await assert.rejects(
        env.client.request(method as "GET", path, options),
        TypeError,
        `${method} ${path}`,
      );
    }
    assert.equal(env.emulator.requests.length, 0);
  });
});
