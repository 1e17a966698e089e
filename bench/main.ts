/**
 * Entry point of `deno task bench`: runs every benchmark and prints one Markdown table each.
 *
 * @module
 */

import { benchDecode } from "./decode.ts";
import { printTable } from "./table.ts";

printTable(
  "Stream decoding (16 KiB chunks, median of 5 runs after 1 warm-up)",
  await benchDecode(),
);
