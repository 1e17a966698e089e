/**
 * The emulator's own control surface over HTTP, for a socket-served emulator
 * (docs/protocol.md §11.6): `POST /__emulator/faults`, `GET /__emulator/requests`,
 * `POST /__emulator/reset`. No auth.
 *
 * @module
 */

import { invalidField, parseJsonObject } from "../http/body.ts";
import { noContent, plainJson, problem } from "../http/responses.ts";
import type { Route, RouteContext } from "../http/router.ts";
import type { EmulatorNotice } from "../faults.ts";

type Options = Record<string, unknown>;

function optionalNumber(options: Options, field: string): number | undefined {
  const value = options[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") throw new TypeError(`field "${field}" must be a number`);
  return value;
}

function optionalString(options: Options, field: string): string | undefined {
  const value = options[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new TypeError(`field "${field}" must be a string`);
  return value;
}

function requiredNumber(options: Options, field: string): number {
  const value = optionalNumber(options, field);
  if (value === undefined) throw new TypeError(`field "${field}" is required`);
  return value;
}

function applyFault(context: RouteContext, options: Options): void {
  const faults = context.state.faults;
  const times = optionalNumber(options, "times");
  const path = optionalString(options, "path");
  switch (options["kind"]) {
    case "failNext":
      faults.failNext(requiredNumber(options, "status"), {
        times,
        path,
        retryAfter: optionalString(options, "retryAfter"),
        method: optionalString(options, "method"),
      });
      return;
    case "rateLimitNext":
      faults.rateLimitNext({
        times,
        path,
        resetAfter: optionalNumber(options, "resetAfter"),
        method: optionalString(options, "method"),
      });
      return;
    case "noticeNext": {
      const notice = options["notice"];
      if (typeof notice !== "object" || notice === null || Array.isArray(notice)) {
        throw new TypeError(`field "notice" must be an object {level, code, message, meta?}`);
      }
      faults.noticeNext(notice as EmulatorNotice, {
        times,
        path,
        method: optionalString(options, "method"),
      });
      return;
    }
    case "dropStreamAfter": {
      const mode = optionalString(options, "mode");
      if (mode !== undefined && mode !== "close" && mode !== "error") {
        throw new TypeError(`field "mode" must be "close" or "error"`);
      }
      faults.dropStreamAfter(requiredNumber(options, "lines"), { times, path, mode });
      return;
    }
    case "stallStreamAfter":
      faults.stallStreamAfter(requiredNumber(options, "lines"), { times, path });
      return;
    case "malformedLineAfter":
      faults.malformedLineAfter(requiredNumber(options, "lines"), { times, path });
      return;
    case "splitUtf8":
      faults.splitUtf8(options["enabled"] !== false);
      return;
    case "clear":
      faults.clear();
      return;
    case "refuseConnection":
    case "loseResponse":
      throw new TypeError(
        `fault "${
          options["kind"]
        }" only exists in-process (emulator.faults); a served emulator cannot fake it`,
      );
    default:
      throw new TypeError(
        `field "kind" must be one of "failNext", "rateLimitNext", "noticeNext", "dropStreamAfter", "stallStreamAfter", "malformedLineAfter", "splitUtf8", "clear"`,
      );
  }
}

function addFault(context: RouteContext): Response {
  const parsed = parseJsonObject(context.text);
  if (!parsed.ok) return parsed.response;
  try {
    applyFault(context, parsed.value);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return error instanceof TypeError && detail.startsWith(`field "`)
      ? invalidField(detail.slice(7, detail.indexOf(`"`, 7)), detail)
      : problem({ status: 400, detail });
  }
  return noContent();
}

/** Test-control routes under `/__emulator/`. */
export const controlRoutes: readonly Route[] = [
  { method: "POST", path: "/__emulator/faults", auth: false, handle: addFault },
  {
    method: "GET",
    path: "/__emulator/requests",
    auth: false,
    handle: (context) => plainJson(context.state.requests),
  },
  {
    method: "POST",
    path: "/__emulator/reset",
    auth: false,
    handle: (context) => {
      context.state.reset();
      return noContent();
    },
  },
];
