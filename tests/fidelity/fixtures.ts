/**
 * Fixtures of our own, written from what live captures of the API show
 * (docs/protocol.md marks each fact "live capture"): the shapes, key sets,
 * id formats and orderings, with ids, times and texts made up here. They are
 * TypeScript rather than .json/.ndjson files so every runtime of the matrix
 * imports them without file access.
 *
 * @module
 */

/** A ULID-shaped id: 26 lowercase Crockford base32 characters. */
export const ULID = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

const CHAT = "3vd5r1nq8h2m6k0c9t4x7w2b5e";
const MESSAGE = "5k2p9x1d4r7t0v3m6c8n2h5q9w";
const RUN = "1b7m4q9t2x5c8v0r3k6n1d4h7p";
const TASK = "6n3c8r1v4k7m0x2t5q9d2h6b1w";
const USER = "2x9d4h7b1n5r8t3m6q0c4v7k2p";
const TEAM = "4c1t6q2m8v5x0r3d7n9k1h4b6w";

/** One snapshot of the assistant message, as `POST /agents/run` streams it. */
function snapshot(status: string, updated: string, text?: string): Record<string, unknown> {
  return {
    id: MESSAGE,
    "short_id": MESSAGE.slice(0, 8),
    "created_at": "2026-11-02T09:00:00.100000Z",
    "updated_at": updated,
    "deleted_at": null,
    "user_id": USER,
    user: null,
    "team_id": TEAM,
    team: null,
    visibility: "team",
    "chat_id": CHAT,
    chat: null,
    "agent_run_id": RUN,
    order: 2,
    status,
    "task_id": TASK,
    role: "assistant",
    content: text === undefined
      ? []
      : [{ type: "text", error: null, text, image: null, file: null, "tool_calls": null }],
    tools: null,
    "tool_call_id": null,
    "tool_invocations": [],
  };
}

/**
 * The body of `POST /agents/run` with `stream: true`: bare ChatMessage
 * snapshots of the assistant message (`pending` until the last, `ready`), a
 * heartbeat between them, and an `agent_runs` event line a client skips.
 */
export const AGENT_RUN_STREAM: string = [
  snapshot("pending", "2026-11-02T09:00:00.200Z"),
  snapshot("pending", "2026-11-02T09:00:00.350000Z"),
  { type: "heartbeat" },
  { event: "agent_runs", data: { id: RUN, "chat_id": CHAT, state: "working" } },
  snapshot("pending", "2026-11-02T09:00:02.500000Z", "All good here"),
  snapshot("ready", "2026-11-02T09:00:02.540000Z", "All good here"),
].map((line) => JSON.stringify(line)).join("\n") + "\n";

/** The keys every streamed snapshot carries that clients read. */
export const SNAPSHOT_KEYS: readonly string[] = [
  "id",
  "short_id",
  "created_at",
  "updated_at",
  "chat_id",
  "agent_run_id",
  "order",
  "status",
  "role",
  "content",
  "tool_invocations",
];

/** The answer of `POST /run` with `wait: true` for a completed task (the envelope's `data`). */
export const RUN_WAIT_RESULT: Readonly<Record<string, unknown>> = {
  id: TASK,
  "short_id": TASK.slice(0, 8),
  status: 10,
  "status_text": "completed",
  output: { audio: "https://cloud.example/files/t/abc/out.wav" },
  "created_at": "2026-11-02T09:10:00.000000Z",
  "updated_at": "2026-11-02T09:10:41.000000Z",
};

/** The session a session task's stream names on every line. */
export const SESSION_ID = "7q2w5e8r1t4x6k9p3a5s7d0f2g";

/**
 * A task stream (`{data, fields}` partial framing) of a task run with
 * `session: "new"`: every update carries `session_id`, so a client that keeps
 * only the last line still learns the session.
 */
export const SESSION_TASK_STREAM: string = [
  { data: { id: TASK, status: 1, "session_id": SESSION_ID }, fields: ["status"] },
  { data: { id: TASK, status: 7, "session_id": SESSION_ID }, fields: ["status"] },
  { type: "heartbeat" },
  {
    data: { id: TASK, status: 10, "session_id": SESSION_ID, output: { count: 1 } },
    fields: ["status", "output"],
  },
].map((line) => JSON.stringify(line)).join("\n") + "\n";

/** The task `POST /apps/run` answers for the session task, before its stream. */
export const SESSION_TASK: Readonly<Record<string, unknown>> = {
  id: TASK,
  "short_id": TASK.slice(0, 8),
  "created_at": "2026-11-02T09:20:00.000Z",
  "updated_at": "2026-11-02T09:20:00.000Z",
  status: 1,
  input: {},
  output: null,
  "session_id": SESSION_ID,
};
