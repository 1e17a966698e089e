// The command line: `inferencesh emulator` (the npm bin, `deno task emulator`,
// `jsr:@inferencesh/sdk/cli`). The matrix also starts the bin in every Node.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS, main } from "../../src/cli/main.ts";
import { parseServeArgs, serveEmulator } from "../../src/testing/serve.ts";
import { inference, TaskStatusCompleted } from "../../mod.ts";

describe("parseServeArgs", () => {
  it("takes --help alone (it used to ask for a value)", () => {
    assert.equal(parseServeArgs(["--help"]).help, true);
    assert.equal(parseServeArgs(["-h"]).help, true);
  });

  it("defaults to port 8787 and reads both --name value and --name=value", () => {
    assert.equal(parseServeArgs([]).port, 8787);
    const args = parseServeArgs(["--port=0", "--step-ms", "5", "--framing", "bare", "--quiet"]);
    assert.deepEqual(
      { port: args.port, options: args.options, quiet: args.quiet },
      { port: 0, options: { stepMs: 5, framing: "bare" }, quiet: true },
    );
  });

  it("says what is wrong", () => {
    assert.throws(() => parseServeArgs(["--port"]), /missing value for --port/);
    assert.throws(() => parseServeArgs(["--port", "x"]), /--port expects a whole number/);
    assert.throws(() => parseServeArgs(["--port", "70000"]), /0 to 65535/);
    assert.throws(() => parseServeArgs(["--nope"]), /unknown option --nope/);
    assert.throws(() => parseServeArgs(["--framing", "odd"]), /partial, bare or wrapped/);
  });
});

describe("main", () => {
  it("answers --help and --version with 0, an unknown command with 2", async () => {
    assert.equal(await main(["--version"]), 0);
    assert.equal(await main(["emulator", "--help"]), 0);
    assert.equal(await main(["no-such-command"]), 2);
    assert.ok("emulator" in COMMANDS);
  });
});

describe("serveEmulator", () => {
  it("serves over loopback: a task and an upload whose URL keeps the port", async () => {
    const server = await serveEmulator({ port: 0, options: { stepMs: 0, heartbeatMs: 0 } });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const client = inference({ apiKey: "k", baseUrl: server.url });
      const bytes = new TextEncoder().encode("a,b\n1,2\n");
      const file = await client.files.upload(new Blob([bytes]).stream(), {
        filename: "t.csv",
        size: bytes.length,
      });
      const task = await client.tasks.run({ app: "infsh/file-info", input: { file: file.uri } });
      assert.equal(task.status, TaskStatusCompleted);
      assert.equal((task.output as { file: { size: number } }).file.size, bytes.length);
    } finally {
      await server.close();
    }
  });
});
