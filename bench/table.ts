/**
 * Printing benchmark results as a Markdown table.
 *
 * @module
 */

// deno-lint-ignore-file no-console

/** One measured value of a benchmark. */
export interface BenchRow {
  /** What was measured. */
  name: string;
  /** The result, formatted with its unit. */
  value: string;
  /** How it was measured, or what to compare it with. */
  note?: string | undefined;
}

/**
 * Prints `rows` to stdout as a Markdown table under a `### title` heading.
 *
 * @example Print one row
 * ```ts
 * printTable("Decode", [{ name: "NDJSON, 1 MB line", value: "250 MB/s" }]);
 * ```
 *
 * @param title The heading above the table.
 * @param rows The rows, in order.
 */
export function printTable(title: string, rows: BenchRow[]): void {
  const cells = rows.map((row) => [row.name, row.value, row.note ?? ""].map(escape));
  const header = ["benchmark", "result", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`### ${title}\n`);
  console.log(line(header));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const r of cells) console.log(line(r));
  console.log("");
}

/** Keeps a cell from breaking the table. */
function escape(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
