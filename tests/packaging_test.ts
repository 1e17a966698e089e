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

it("every install command in the docs and examples gets this SDK, not npm's 0.6.54", async () => {
  // A bare `npm install @inferencesh/sdk` gets the previous SDK (0.6.x) until 0.7 is on npm, and a
  // bare `npx @inferencesh/sdk …` runs 0.6.54, which has no command;
  // a line may name it only to say so, or to set it beside the 0.7 command.
  const bare =
    /\b(?:npm (?:install|i|add)|bun add|pnpm add|yarn add|npx(?: -y)?) @inferencesh\/sdk(?![@\w/])/;
  const files = ["README.md", "MIGRATING.md", "CONTRIBUTING.md"];
  for (const dir of ["docs/", "examples/"]) {
    const walk = async (path: string): Promise<void> => {
      for await (const entry of Deno.readDir(new URL(path, root))) {
        if (entry.isDirectory && entry.name !== "node_modules") await walk(`${path}${entry.name}/`);
        else if (/\.(md|ts|mjs|js|toml)$/.test(entry.name)) files.push(`${path}${entry.name}`);
      }
    };
    await walk(dir);
  }
  const wrong = [];
  for (const file of files) {
    for (const [index, line] of (await read(file)).split("\n").entries()) {
      if (bare.test(line) && !/0\.6|@\^0\.7/.test(line)) {
        wrong.push(`${file}:${index + 1}: ${line.trim()}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
