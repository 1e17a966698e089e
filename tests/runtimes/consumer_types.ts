/**
 * What a TypeScript user's project compiles against: every entry point's
 * types, used as the README uses them. The matrix type-checks this file (with
 * the scenarios) against the packed package's `.d.ts`, with `skipLibCheck: false`,
 * under the oldest and newest TypeScript 5 it supports and TypeScript 7, with
 * DOM types and without them (a Node project with `@types/node`).
 *
 * @module
 */

import {
  inference,
  type InferenceClient,
  statusName,
  type Task,
  TaskStatusCompleted,
  tool,
} from "@inferencesh/sdk";
import { inference as taskClient } from "@inferencesh/sdk/tasks";
import { createProxy } from "@inferencesh/sdk/proxy";
import { createEmulator, type Emulator } from "@inferencesh/sdk/testing";
import { main } from "@inferencesh/sdk/cli";
import type { FileObject } from "@inferencesh/sdk/types";

export async function consumer(): Promise<string[]> {
  const emulator: Emulator = createEmulator({ stepMs: 1 });
  const client: InferenceClient = inference({ apiKey: "k", fetch: emulator.fetch });
  const task: Task = await client.tasks.run({ app: "infsh/echo", input: { a: 1 } }, {
    onUpdate: (t) => void statusName(t.status),
    onDelta: (d, soFar) => void [d.delta.response, soFar.response],
  });
  const lean = taskClient({ apiKey: "k", fetch: emulator.fetch });
  const file: FileObject = await client.files.upload(new Uint8Array([1, 2, 3]), {
    filename: "a.bin",
  });
  const weather = tool("get_weather").description("weather").build();
  const proxy: (request: Request) => Promise<Response> = createProxy({ apiKey: "k" });
  emulator.close();
  return [
    String(task.status === TaskStatusCompleted),
    file.uri,
    typeof lean,
    typeof weather,
    typeof proxy,
    typeof main,
  ];
}
