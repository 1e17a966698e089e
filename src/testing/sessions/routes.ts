/**
 * `/sessions` endpoints (protocol §5.2). Filled in by the sessions work.
 *
 * @module
 */

import type { Route } from "../http/router.ts";

/** Session routes. */
export const sessionRoutes: readonly Route[] = [];
