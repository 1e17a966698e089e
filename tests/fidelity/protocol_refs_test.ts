/// <reference lib="deno.ns" />
// Every `docs/protocol.md §…` a comment in src/ (or a test) cites names a section, or a defect id,
// that docs/protocol.md has. Deno only: it reads the repository's files.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const hasDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const ROOT = new URL("../../", import.meta.url);

async function* files(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* files(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

/** The sections (`2`, `2.1`, …) and defect ids (`A1`, `T3`, …) of docs/protocol.md. */
async function anchors(): Promise<{ sections: Set<string>; defects: Set<string> }> {
  const text = await Deno.readTextFile(new URL("docs/protocol.md", ROOT));
  const sections = new Set<string>();
  for (const match of text.matchAll(/^#{2,3} (\d+(?:\.\d+)?)[. ]/gm)) sections.add(match[1]!);
  const defects = new Set<string>();
  for (const match of text.matchAll(/^- \*\*([A-Z]\d+)\*\*/gm)) defects.add(match[1]!);
  return { sections, defects };
}

describe("docs/protocol.md citations", () => {
  it("resolve to a section or defect of the document", { skip: !hasDeno }, async () => {
    const { sections, defects } = await anchors();
    assert.ok(sections.has("4.3") && sections.has("11.6") && defects.has("A10"), "parsed");
    const broken: string[] = [];
    let cited = 0;
    for (const dir of ["src/", "tests/"]) {
      for await (const file of files(new URL(dir, ROOT))) {
        const lines = (await Deno.readTextFile(file)).split("\n");
        lines.forEach((line, index) => {
          // The old form, citing a document that is not in the repository.
          if (/(?<!docs\/)\bprotocol(?:\.md)? §/.test(line)) {
            broken.push(
              `${file.pathname.slice(ROOT.pathname.length)}:${index + 1} not docs/protocol.md`,
            );
          }
          const at = line.indexOf("docs/protocol.md §");
          if (at === -1) return;
          const where = `${file.pathname.slice(ROOT.pathname.length)}:${index + 1}`;
          const refs = line.slice(at).matchAll(
            /§(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))?( [A-Z]\d+)?/g,
          );
          for (const [, section, until, defect] of refs) {
            cited++;
            for (const name of [section, until]) {
              if (name !== undefined && !sections.has(name)) broken.push(`${where} §${name}`);
            }
            if (defect !== undefined && !defects.has(defect.trim())) {
              broken.push(`${where} ${defect.trim()}`);
            }
          }
        });
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(cited >= 60, `the code cites the document (${cited} citations)`);
  });
});
