/**
 * The session rules of `POST /apps/run` (docs/protocol.md §8.1, §11.4), and the worker
 * a task runs on: `session: "new"` leases a worker for a new session; a session
 * id runs the call on that session's worker, whose memory the app sees again.
 *
 * @module
 */

import type { AppContext, AppWorker, EmulatedApp } from "../apps/app.ts";
import { parseAppReference } from "../apps/registry.ts";
import { invalidField } from "../http/body.ts";
import { problem } from "../http/responses.ts";
import type { EmulatorState } from "../state.ts";
import { DEFAULT_SESSION_TIMEOUT, type SessionRecord } from "./session_store.ts";

function invalidTimeout(detail: string): Response {
  return problem({
    status: 400,
    code: "INVALID_SESSION_TIMEOUT",
    title: "Invalid session timeout",
    detail,
    extensions: { field: "session_timeout" },
  });
}

/** Checks `session` and `session_timeout`; returns the 400 problem when they are invalid. */
export function checkSessionParams(body: Record<string, unknown>): Response | undefined {
  const session = body["session"];
  if (session !== undefined && session !== null && typeof session !== "string") {
    return invalidField("session", `field "session" must be a string ("new" or a session id)`);
  }
  const timeout = body["session_timeout"];
  if (timeout === undefined || timeout === null) return undefined;
  if (session !== "new") {
    return invalidTimeout(`"session_timeout" is only allowed with "session": "new"`);
  }
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
    return invalidTimeout(
      `"session_timeout" must be an integer number of seconds in 1..3600, got ${
        JSON.stringify(timeout)
      }`,
    );
  }
  return undefined;
}

/** The problem of a session error, with its documented code (docs/protocol.md §2.5). */
export function sessionProblem(
  status: number,
  code: string,
  title: string,
  detail: string,
): Response {
  return problem({ status, code, title, detail });
}

/** The 404 / 410 answer for a session that cannot take calls, or `undefined` when it can. */
export function unusableSession(
  id: string,
  record: SessionRecord | undefined,
): Response | undefined {
  if (!record) {
    return sessionProblem(
      404,
      "SESSION_NOT_FOUND",
      "Session not found",
      `session ${id} does not exist`,
    );
  }
  if (record.status === "ended") {
    return sessionProblem(410, "SESSION_ENDED", "Session ended", `session ${id} was ended`);
  }
  if (record.status === "expired") {
    return sessionProblem(
      410,
      "SESSION_EXPIRED",
      "Session expired",
      `session ${id} expired after ${record.idleTimeout} s without a call`,
    );
  }
  return undefined;
}

/** Where a task runs: its session fields and the worker it runs on. */
export interface WorkerLease {
  /** Fields to put on the task (`session_id`, `session_timeout`), empty without a session. */
  readonly fields: Record<string, unknown>;
  /** The session, when the task runs in one. */
  readonly session: SessionRecord | undefined;
}

/** Applies the session rules of one `POST /apps/run`: the lease, or the problem to answer with. */
export function joinSession(
  state: EmulatorState,
  body: Record<string, unknown>,
  app: EmulatedApp,
): WorkerLease | Response {
  const session = body["session"];
  const named = typeof session === "string" && session !== "" && session !== "new"
    ? session
    : undefined;
  const leased = workerLeased(state, body, named);
  if (leased) return leased;
  if (session === undefined || session === null || session === "") {
    return { fields: {}, session: undefined };
  }
  const version = typeof body["app"] === "string"
    ? parseAppReference(body["app"]).version
    : undefined;
  if (session === "new") {
    const timeout = body["session_timeout"];
    const record = state.sessions.create({
      app: app.name,
      appId: app.id,
      versionId: version ?? app.versionId,
      idleTimeout: typeof timeout === "number" ? timeout : DEFAULT_SESSION_TIMEOUT,
    });
    return { fields: sessionFields(record), session: record };
  }
  const id = String(session);
  const record = state.sessions.get(id);
  const unusable = unusableSession(id, record);
  if (unusable || !record) return unusable as Response;
  if (record.app !== app.name) {
    return sessionProblem(
      400,
      "APP_MISMATCH",
      "App mismatch",
      `session ${id} runs ${record.app}, not ${app.name}`,
    );
  }
  if (version !== undefined && version !== record.versionId) {
    return sessionProblem(
      400,
      "VERSION_MISMATCH",
      "Version mismatch",
      `session ${id} runs version ${record.versionId} of ${record.app}, not ${version}`,
    );
  }
  state.sessions.call(record);
  return { fields: sessionFields(record), session: record };
}

function sessionFields(record: SessionRecord): Record<string, unknown> {
  return { "session_id": record.id, "session_timeout": record.idleTimeout };
}

/** 409 `WORKER_LEASED` when `workers` names a worker another session holds. */
function workerLeased(
  state: EmulatorState,
  body: Record<string, unknown>,
  session: string | undefined,
): Response | undefined {
  const workers = body["workers"];
  if (!Array.isArray(workers)) return undefined;
  for (const worker of workers) {
    if (typeof worker !== "string") continue;
    const holder = state.sessions.leasing(worker);
    if (holder && holder.id !== session) {
      return sessionProblem(
        409,
        "WORKER_LEASED",
        "Worker leased",
        `worker ${worker} is leased by session ${holder.id}`,
      );
    }
  }
  return undefined;
}

/**
 * The worker a task runs on, and its app as it runs there: the worker reads
 * the emulator's files and holds its memory (the session's, or a fresh one);
 * while the app runs its session cannot expire, and its end restarts the idle
 * timer.
 */
export function onWorker(
  state: EmulatorState,
  app: EmulatedApp,
  lease: WorkerLease,
): { app: EmulatedApp; worker: AppWorker } {
  const { session } = lease;
  const worker: AppWorker = {
    readFile: (uri) => {
      const file = state.files.fromUri(uri);
      return file && {
        id: file.id,
        filename: file.name,
        contentType: file.uploadedType ?? file.contentType,
        bytes: file.bytes,
      };
    },
    memory: session ? session.memory : new Map(),
  };
  if (!session) return { app, worker };
  return {
    worker,
    app: {
      ...app,
      async run(input: unknown, context: AppContext): Promise<unknown> {
        session.busy++;
        try {
          return await app.run(input, context);
        } finally {
          session.busy--;
          if (session.status === "active") state.sessions.keepalive(session);
        }
      },
    },
  };
}
