/**
 * A local emulator of the inference.sh API for offline tests, demos and
 * development: an in-process `fetch` (no socket, no permissions) and a
 * web-standard handler to serve on a port. It follows the API's wire protocol,
 * so any client, not just this SDK, can talk to it.
 *
 * Built-in apps: `infsh/echo` (output = input), `infsh/text-stream` (streams
 * `Echo: <prompt>` as deltas), `infsh/sleep` (`input.seconds` of real time,
 * cancellable), `infsh/fail` (fails with `input.message`), `infsh/image` (a real
 * PNG served under `/__files/`), `infsh/needs-secret` (412 requirements),
 * `infsh/file-info` (size, type and SHA-256 of an uploaded input file) and
 * `infsh/counter` (a count kept in the worker's memory across a session's
 * calls). Add your own with `createEmulator({ apps: [...] })`. Agents: the
 * templates `my-org/assistant@abc123`, `my-org/weather@v1` and
 * `my-org/analyst@v2`, and any ad-hoc `core_app`, are played by a scripted LLM.
 *
 * Served on a port (`deno task emulator --port 0`, or `Deno.serve(emulator.handler)`),
 * it also answers its own unauthenticated control routes: `POST /__emulator/faults`
 * with `{"kind": "failNext" | "dropStreamAfter" | "stallStreamAfter" |
 * "malformedLineAfter" | "splitUtf8" | "clear", ...options}` (the options of
 * {@linkcode EmulatorFaults}; `failNext` takes `status`, the stream faults `lines`,
 * `splitUtf8` takes `enabled`), `GET /__emulator/requests` (the request log as a
 * JSON array) and `POST /__emulator/reset`. Control requests are recorded too.
 *
 * @example Run a task and read its final state
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const emulator = createEmulator({ stepMs: 0 });
 * const headers = { authorization: "Bearer inf_test", "content-type": "application/json" };
 * const created = await emulator.fetch("https://api.inference.sh/apps/run", {
 *   method: "POST",
 *   headers,
 *   body: JSON.stringify({ app: "infsh/echo", input: { n: 1 } }),
 * });
 * const { data: task } = await created.json();
 * const stream = await emulator.fetch(`https://api.inference.sh/tasks/${task.id}/stream`, {
 *   headers,
 * });
 * await stream.text(); // ends after the terminal update
 * deepStrictEqual(emulator.task(task.id)?.output, { n: 1 });
 * emulator.close();
 * ```
 *
 * @module
 */

export type { AppContext, AppDefinition, InputFile, RequirementError } from "./apps/app.ts";
export type { AppSchema } from "./apps/schemas.ts";
export { type Clock, ManualClock } from "./clock.ts";
export {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  type RecordedRequest,
} from "./emulator.ts";
export type {
  ConnectionFaultOptions,
  DropStreamOptions,
  EmulatorFaults,
  EmulatorNotice,
  FailNextOptions,
  RateLimitOptions,
  StreamFaultOptions,
} from "./faults.ts";
