/**
 * Sessions of the emulator (docs/protocol.md §8, §11.4): a session leases a worker
 * whose memory outlives each call, and expires after `idle_timeout` seconds
 * without a call, measured on the emulator's clock (so a `ManualClock` expires
 * it on demand). Expiry is applied whenever a session is looked at.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import { EMULATOR_TEAM_ID, EMULATOR_USER_ID, type Ids, shortId } from "../ids.ts";

/** Idle timeout of a session when `session_timeout` is not given, in seconds. */
export const DEFAULT_SESSION_TIMEOUT = 60;

/** One session. */
export interface SessionRecord {
  readonly id: string;
  /** The app's name (`ns/name`), which every call must match. */
  readonly app: string;
  readonly appId: string;
  /** The app version the session runs; a call pinning another one is refused. */
  readonly versionId: string;
  readonly workerId: string;
  /** Seconds without a call before the session expires. */
  readonly idleTimeout: number;
  readonly createdAt: number;
  status: "active" | "ended" | "expired";
  expiresAt: number;
  endedAt: number | undefined;
  updatedAt: number;
  callCount: number;
  lastCallAt: number | undefined;
  taskId: string | undefined;
  /** Tasks of the session still running; a busy session does not expire. */
  busy: number;
  /** The worker's memory, kept across calls (see `AppContext.memory`). */
  readonly memory: Map<string, unknown>;
}

/** What a new session is for. */
export interface NewSession {
  app: string;
  appId: string;
  versionId: string;
  idleTimeout: number;
}

/** Every session of one emulator. */
export class SessionStore {
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #sessions = new Map<string, SessionRecord>();

  constructor(clock: Clock, ids: Ids) {
    this.#clock = clock;
    this.#ids = ids;
  }

  /** Starts a session for its first call (counted). */
  create(init: NewSession): SessionRecord {
    const now = this.#clock.now();
    const record: SessionRecord = {
      id: this.#ids.next("sess"),
      app: init.app,
      appId: init.appId,
      versionId: init.versionId,
      workerId: this.#ids.next("wrk"),
      idleTimeout: init.idleTimeout,
      createdAt: now,
      status: "active",
      expiresAt: now + init.idleTimeout * 1000,
      endedAt: undefined,
      updatedAt: now,
      callCount: 0,
      lastCallAt: undefined,
      taskId: undefined,
      busy: 0,
      memory: new Map(),
    };
    this.#sessions.set(record.id, record);
    this.call(record);
    return record;
  }

  /** The session `id`, its expiry brought up to date; `undefined` if there is none. */
  get(id: string): SessionRecord | undefined {
    const record = this.#sessions.get(id);
    if (record) this.#expire(record);
    return record;
  }

  /** Active sessions, oldest first. */
  active(): SessionRecord[] {
    return [...this.#sessions.values()].filter((record) => {
      this.#expire(record);
      return record.status === "active";
    });
  }

  /** The active session that leases worker `workerId`, if any. */
  leasing(workerId: string): SessionRecord | undefined {
    return this.active().find((record) => record.workerId === workerId);
  }

  /** Counts a call and restarts the idle timer. */
  call(record: SessionRecord): void {
    const now = this.#clock.now();
    record.callCount++;
    record.lastCallAt = now;
    this.keepalive(record);
  }

  /** Restarts the idle timer. */
  keepalive(record: SessionRecord): void {
    const now = this.#clock.now();
    record.expiresAt = now + record.idleTimeout * 1000;
    record.updatedAt = now;
  }

  /** Ends an active session (its worker's memory is dropped); others stay as they are. */
  end(record: SessionRecord): void {
    if (record.status !== "active") return;
    const now = this.#clock.now();
    record.status = "ended";
    record.endedAt = now;
    record.updatedAt = now;
    record.memory.clear();
  }

  /** The AppSessionDTO of `record`. */
  dto(record: SessionRecord): Record<string, unknown> {
    const iso = (ms: number | undefined) => ms === undefined ? null : new Date(ms).toISOString();
    return {
      id: record.id,
      "short_id": shortId(record.id),
      "created_at": iso(record.createdAt),
      "updated_at": iso(record.updatedAt),
      "user_id": EMULATOR_USER_ID,
      "team_id": EMULATOR_TEAM_ID,
      visibility: "private",
      "worker_id": record.workerId,
      "app_id": record.appId,
      "app_version_id": record.versionId,
      status: record.status,
      "expires_at": iso(record.expiresAt),
      "ended_at": iso(record.endedAt),
      "task_id": record.taskId ?? null,
      "call_count": record.callCount,
      "last_call_at": iso(record.lastCallAt),
      "idle_timeout": record.idleTimeout,
    };
  }

  /** Forgets every session (reset). */
  clear(): void {
    this.#sessions.clear();
  }

  #expire(record: SessionRecord): void {
    if (record.status !== "active" || record.busy > 0) return;
    if (this.#clock.now() < record.expiresAt) return;
    record.status = "expired";
    record.endedAt = record.expiresAt;
    record.updatedAt = record.expiresAt;
    record.memory.clear();
  }
}
