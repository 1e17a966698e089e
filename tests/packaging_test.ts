// What users see of the package besides the code: links that work on JSR and
// npm (where the repository's files are not), a changelog entry for the
// version, and a .gitignore that hides nothing tracked.
import { it } from "node:test";
import assert from "node:assert/strict";
import config from "../deno.json" with { type: "json" };
import { portableDeclarations, REPOSITORY } from "../scripts/build.ts";

const root = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, root));

it("README links into the repository are absolute, on the one repository URL", async () => {
  const readme = await read("README.md");
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  const relative = links.filter((link) => !/^(https?:|#|mailto:)/.test(link));
  assert.deepEqual(relative, [], "relative links break on jsr.io and npmjs.com");
  const github = links.filter((link) => link.startsWith("https://github.com/"));
  assert.ok(github.length > 0);
  for (const link of github) assert.ok(link.startsWith(REPOSITORY), link);
});

it("CHANGELOG has an entry for the version in deno.json, and MIGRATING exists", async () => {
  const changelog = await read("CHANGELOG.md");
  assert.match(changelog, new RegExp(`^## \\[${config.version.replaceAll(".", "\\.")}\\] - `, "m"));
  assert.match(await read("MIGRATING.md"), /0\.6/);
});

it(".gitignore lists nothing that is tracked", async () => {
  const { code, stdout } = await new Deno.Command("git", {
    args: ["ls-files", "--cached", "--ignored", "--exclude-standard"],
    cwd: root,
    stdout: "piped",
    stderr: "null",
  }).output();
  if (code !== 0) return; // not a git checkout (e.g. an unpacked source archive)
  assert.equal(new TextDecoder().decode(stdout).trim(), "");
});

it("published declarations spell DOM-only and TypeScript 5.7+ types portably", () => {
  const out = portableDeclarations(
    "export declare function f(a: Uint8Array<ArrayBuffer>, b: BodyInit, c: RequestInfo): " +
      "Promise<ReadableStreamReadResult<T>>;\nexport declare function k(): Promise<CryptoKey>;\n" +
      "export declare function s(): SubtleCrypto;\nexport declare class S implements AsyncDisposable {}\n",
  );
  for (
    const name of [
      "Uint8Array<",
      "BodyInit",
      "RequestInfo",
      "ReadableStreamReadResult",
      "CryptoKey",
      "SubtleCrypto",
    ]
  ) {
    assert.ok(!out.includes(name), `${name} is left in:\n${out}`);
  }
  assert.ok(out.startsWith('/// <reference lib="esnext.disposable" />\n'));
  assert.equal(
    portableDeclarations("export declare const n: number;\n"),
    "export declare const n: number;\n",
  );
});
