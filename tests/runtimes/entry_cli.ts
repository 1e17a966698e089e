/**
 * The matrix entry for CLI runtimes (Deno, Bun, Node): runs the scenarios
 * against the base URL given as the last argument and prints the report on one
 * `MATRIX_RESULT` line. Deno runs this file as it is; Bun and Node run it
 * compiled by esbuild, importing the packed package by name.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { RESULT_MARK, runScenarios } from "./scenarios.ts";

const argv = (globalThis as { process?: { argv: string[] } }).process?.argv ?? [];
const base = argv[argv.length - 1] ?? "";
console.log(RESULT_MARK + JSON.stringify(await runScenarios(base)));
