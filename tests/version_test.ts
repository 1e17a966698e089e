import { it } from "node:test";
import assert from "node:assert/strict";
import config from "../deno.json" with { type: "json" };
import { VERSION } from "../src/version.ts";

it("VERSION matches the version in deno.json", () => {
  assert.equal(VERSION, config.version);
});
