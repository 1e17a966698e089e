/**
 * Everything one emulator instance holds, shared by its route groups.
 *
 * @module
 */

import type { ChatStore } from "./agents/chat_store.ts";
import type { AppRegistry } from "./apps/registry.ts";
import type { Clock } from "./clock.ts";
import type { FaultQueue } from "./faults.ts";
import type { FileStore } from "./files/file_store.ts";
import type { Ids } from "./ids.ts";
import type { SessionStore } from "./sessions/session_store.ts";
import type { LineStream } from "./streams/line_stream.ts";
import type { TaskFraming } from "./tasks/task_framing.ts";
import type { TaskStore } from "./tasks/task_store.ts";
import type { Timers } from "./timers.ts";
import type { Outbound } from "./webhooks/outbound.ts";

/** The state and settings of one emulator. */
export interface EmulatorState {
  /** The only bearer key accepted, or `undefined` for any non-empty key. */
  readonly apiKey: string | undefined;
  readonly clock: Clock;
  readonly heartbeatMs: number;
  readonly stepMs: number;
  readonly framing: TaskFraming;
  readonly timers: Timers;
  readonly ids: Ids;
  readonly faults: FaultQueue;
  readonly apps: AppRegistry;
  readonly tasks: TaskStore;
  readonly files: FileStore;
  readonly sessions: SessionStore;
  readonly chats: ChatStore;
  /** Streams still open, so `close()` and `reset()` can end them. */
  readonly streams: Set<LineStream>;
  /** Forgets tasks, files, requests, faults and ids (`POST /__emulator/reset`). */
  reset(): void;
  /** The request log (`GET /__emulator/requests`). */
  readonly requests: readonly unknown[];
  /** Task webhooks and webhook-tool calls the emulator sends. */
  readonly outbound: Outbound;
}

/** The clock's current time as an RFC 3339 timestamp. */
export function timestamp(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
