/**
 * Entry point of `deno task bench`: runs every benchmark and prints one Markdown table each.
 *
 * @module
 */

import { benchDecode } from "./decode.ts";
import { benchFollow } from "./follow.ts";
import { benchSize } from "./size.ts";
import { printTable } from "./table.ts";
import { benchUpload } from "./upload.ts";

printTable(
  "Stream decoding (16 KiB chunks, median of 5 runs after 1 warm-up)",
  await benchDecode(),
);
printTable(
  "Following tasks, ours next to the floor (fetch + TextDecoderStream + indexOf split + JSON.parse), " +
    "server and each client in their own process",
  await benchFollow(),
);
printTable(
  "Package size (esbuild 0.28.2 --minify, gzip -9, from the packed package) and cold import",
  await benchSize(),
);
printTable(
  "Uploads over loopback to the emulator (its own process; one fresh client process per upload)",
  await benchUpload(),
);
