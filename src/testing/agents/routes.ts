/**
 * `/agents/run`, `/chats/...` and `/tools/...` endpoints (protocol §6, §10.5).
 * Filled in by the agents work.
 *
 * @module
 */

import type { Route } from "../http/router.ts";

/** Agent and chat routes. */
export const agentRoutes: readonly Route[] = [];
