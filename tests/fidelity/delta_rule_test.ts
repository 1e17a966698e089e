// The delta-merge rule the official SDKs share (docs/protocol.md §5.3): text fields concatenate,
// tool_calls merge by index with function.arguments appended, usage and untagged fields replace.
// The cases are our own, written from the rule.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type AccumulatedDelta, accumulateDelta, emptyDelta } from "../../src/tasks/delta.ts";

type Case = { name: string; deltas: Record<string, unknown>[]; expected: AccumulatedDelta };

const CASES: Case[] = [
  {
    name: "text fields concatenate, in order",
    deltas: [
      { response: "Hel" },
      { reasoning: "think" },
      { response: "lo", reasoning: "ing" },
      { response: "" },
    ],
    expected: { response: "Hello", reasoning: "thinking", "tool_calls": [] },
  },
  {
    name: "tool calls merge by index; arguments are appended; id, type and name are kept",
    deltas: [
      { "tool_calls": [{ index: 0, id: "call_a", type: "function", function: { name: "f" } }] },
      { "tool_calls": [{ index: 0, function: { arguments: '{"ci' } }] },
      { "tool_calls": [{ index: 1, id: "call_b", function: { name: "g", arguments: "{}" } }] },
      { "tool_calls": [{ index: 0, function: { arguments: 'ty":"Rome"}' } }] },
    ],
    expected: {
      response: "",
      reasoning: "",
      "tool_calls": [
        {
          index: 0,
          id: "call_a",
          type: "function",
          function: { name: "f", arguments: '{"city":"Rome"}' },
        },
        { index: 1, id: "call_b", function: { name: "g", arguments: "{}" } },
      ],
    },
  },
  {
    name: "tool calls arriving out of index order end up ordered by index",
    deltas: [
      { "tool_calls": [{ index: 2, function: { name: "late", arguments: "[" } }] },
      { "tool_calls": [{ index: 0, function: { name: "early", arguments: "{" } }] },
      { "tool_calls": [{ index: 2, function: { arguments: "]" } }] },
    ],
    expected: {
      response: "",
      reasoning: "",
      "tool_calls": [
        { index: 0, function: { name: "early", arguments: "{" } },
        { index: 2, function: { name: "late", arguments: "[]" } },
      ],
    },
  },
  {
    name: "usage replaces, it does not add up",
    deltas: [
      { usage: { "prompt_tokens": 10, "completion_tokens": 1 } },
      { usage: { "prompt_tokens": 10, "completion_tokens": 7 } },
    ],
    expected: {
      response: "",
      reasoning: "",
      "tool_calls": [],
      usage: { "prompt_tokens": 10, "completion_tokens": 7 },
    },
  },
  {
    name: "untagged fields replace, whatever their type; null and missing leave them alone",
    deltas: [
      { "finish_reason": "length", extra: [1] },
      { "finish_reason": "stop", extra: { a: 1 } },
      { "finish_reason": null },
    ],
    expected: {
      response: "",
      reasoning: "",
      "tool_calls": [],
      "finish_reason": "stop",
      extra: { a: 1 },
    },
  },
];

describe("delta merge rule", () => {
  for (const { name, deltas, expected } of CASES) {
    it(name, () => {
      const accumulated = emptyDelta();
      for (const delta of deltas) accumulateDelta(accumulated, structuredClone(delta));
      assert.deepEqual(accumulated, expected);
    });
  }

  it("gives the same result however the same fragments are grouped into deltas", () => {
    const fragments = ["{", '"a"', ":", "1", "}"];
    const one = emptyDelta();
    accumulateDelta(one, {
      response: "ab",
      "tool_calls": [{ index: 0, function: { name: "f", arguments: fragments.join("") } }],
    });
    const many = emptyDelta();
    accumulateDelta(many, { response: "a", "tool_calls": [{ index: 0, function: { name: "f" } }] });
    accumulateDelta(many, { response: "b" });
    for (const piece of fragments) {
      accumulateDelta(many, { "tool_calls": [{ index: 0, function: { arguments: piece } }] });
    }
    assert.deepEqual(many, one);
  });
});
