/// <reference lib="deno.ns" />
// The proxy served by Deno.serve in front of the emulator served by Deno.serve,
// with a client over real sockets: streams pass through, and an abort travels
// from the client through the proxy to the API.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  inference,
  TaskStatusCancelled,
  TaskStatusCompleted,
  TaskStatusRunning,
} from "../../mod.ts";
import { createProxy } from "../../src/proxy/mod.ts";
import { createEmulator, type Emulator } from "../../src/testing/mod.ts";
import { hasDeno, hostile } from "../_loopback.ts";

const KEY = "inf_loopback_server_key";

/** The emulator behind the proxy, each on its own socket; the emulator closes first. */
async function served(run: (emulator: Emulator, proxyUrl: string) => Promise<void>) {
  const emulator = createEmulator({ stepMs: 5, heartbeatMs: 50, apiKey: KEY });
  await hostile(
    emulator.handler,
    (api) =>
      hostile(createProxy({ apiKey: KEY, apiBaseUrl: api }), async (proxy) => {
        try {
          await run(emulator, `${proxy}/api/inference/proxy`);
        } finally {
          emulator.close();
        }
      }),
  );
}

describe("the proxy over loopback sockets", { skip: !hasDeno }, () => {
  it("relays a streamed task from the public-API targets the client sends", async () => {
    await served(async (_emulator, proxyUrl) => {
      const client = inference({ proxyUrl });
      let text = "";
      const result = await client.tasks.run(
        { app: "infsh/text-stream", input: { prompt: "über 🌍 proxy" } },
        { onDelta: (delta) => text += delta.delta.response ?? "" },
      );
      assert.equal(result.status, TaskStatusCompleted);
      assert.equal(text, "Echo: über 🌍 proxy");
    });
  });

  it("cancels the task when the browser side aborts", async () => {
    await served(async (emulator, proxyUrl) => {
      const client = inference({ proxyUrl });
      const controller = new AbortController();
      let id = "";
      await assert.rejects(
        client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
          signal: controller.signal,
          onUpdate: (task) => {
            id = task.id;
            if (task.status === TaskStatusRunning) controller.abort(new Error("stop"));
          },
        }),
        /stop/,
      );
      // The run rejects at once; the cancel follows in the background.
      for (let i = 0; i < 400 && emulator.task(id)?.status !== TaskStatusCancelled; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(emulator.task(id)?.status, TaskStatusCancelled);
    });
  });

  it("answers a request shaped like the official client's", async () => {
    await served(async (_emulator, proxyUrl) => {
      const response = await fetch(proxyUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-inf-target-url": "https://api.inference.sh/apps/run",
          "x-client-source": "inference-sdk-js/0.5.13",
        },
        body: JSON.stringify({ app: "infsh/echo", input: { a: 1 } }),
      });
      assert.equal(response.status, 200);
      const { data } = await response.json();
      assert.match(data.id, /^[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    });
  });
});

describe("the proxy when the browser leaves", { skip: !hasDeno }, () => {
  it("closes the upstream connection of a request the API never answers", async () => {
    // An upstream that reads the request and never answers, and reports when
    // its connection is closed by the other side.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let received!: () => void;
    const requested = new Promise<void>((resolve) => received = resolve);
    const closed = (async () => {
      const connection = await listener.accept();
      const buffer = new Uint8Array(16 * 1024);
      let head = "";
      try {
        for (;;) {
          const n = await connection.read(buffer);
          if (n === null) return "closed";
          head += new TextDecoder().decode(buffer.subarray(0, n));
          if (head.includes("\r\n\r\n")) received();
        }
      } catch {
        return "closed"; // reset by the peer
      } finally {
        connection.close();
      }
    })();
    const upstream = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    await hostile(createProxy({ apiKey: KEY, apiBaseUrl: upstream }), async (proxy) => {
      try {
        const browser = new AbortController();
        const response = fetch(`${proxy}/api/inference/proxy`, {
          headers: { "x-inf-target-url": `https://api.inference.sh/tasks/${"0".repeat(26)}` },
          signal: browser.signal,
        });
        await requested;
        browser.abort(new Error("the visitor closed the tab"));
        await assert.rejects(response, /closed the tab/);
        // Without cancellation this never settles (the proxy's deadline is a minute away).
        assert.equal(await closed, "closed");
      } finally {
        listener.close(); // before the proxy shuts down, as a hung upstream would hold it
      }
    });
  });
});
