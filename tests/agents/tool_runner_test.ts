import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { string, tool } from "../../mod.ts";
import { runTool } from "../../src/agents/tool_runner.ts";
import type { ClientTool } from "../../src/agents/types.ts";

const context = {
  id: "t1",
  name: "get_weather",
  chatId: "c1",
  signal: new AbortController().signal,
};

describe("runTool()", () => {
  it("returns the handler's result, strings as they are and values as JSON", async () => {
    const text = tool("get_weather").handler(() => "sunny").build();
    assert.deepEqual(await runTool(text, {}, context), { result: "sunny", isError: false });
    const json = tool("get_weather").handler(() => ({ temp: 21 })).build();
    assert.deepEqual(await runTool(json, {}, context), { result: '{"temp":21}', isError: false });
  });

  it("tells invalid arguments from a failing handler by the error's type, not its text", async () => {
    const checked = tool("get_weather").params({ city: string("City") }).handler(() => "x").build();
    const invalid = await runTool(checked, { city: 3 }, context);
    assert.equal(invalid.isError, true);
    assert.match(JSON.parse(invalid.result).error, /^Invalid arguments for tool "get_weather": /);
    // A hand-written handler whose message merely starts the same way is a failure of the tool.
    const handWritten: ClientTool = {
      ...tool("get_weather").build(),
      handler: () => {
        throw new Error("Invalid arguments, says the weather service");
      },
    };
    assert.deepEqual(await runTool(handWritten, {}, context), {
      result: JSON.stringify({
        error: 'Tool "get_weather" failed: Invalid arguments, says the weather service',
      }),
      isError: true,
    });
  });

  it("turns a result that cannot be sent into an error result", async () => {
    const bad = tool("get_weather").handler(() => () => {}).build();
    const outcome = await runTool(bad, {}, context);
    assert.equal(outcome.isError, true);
    assert.match(JSON.parse(outcome.result).error, /^Tool "get_weather" failed: /);
  });
});
