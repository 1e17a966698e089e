"""A second witness: the official Python SDK (`inferencesh`) against the emulator.

Run by tests/conformance/python_sdk.ts with the emulator's base URL. Prints one JSON
object per scenario: {"name", "ok", "detail"}. Uses only the SDK's public calls.
"""

import json
import sys
import traceback

from inferencesh import Inference

BASE = sys.argv[1]
client = Inference(api_key="inf_python_witness", base_url=BASE)

WEATHER_AGENT = {
    "core_app": {"ref": "infsh/emulated-llm"},
    "tools": [
        {
            "name": "get_weather",
            "type": "client",
            "client": {
                "input_schema": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                }
            },
        }
    ],
}


def run_echo():
    result = client.run({"app": "infsh/echo", "input": {"said": "hi"}})
    assert result.get("status") == 10, result
    assert result.get("output") == {"said": "hi"}, result
    return "status 10, output echoed"


def session_from_last_line():
    # The SDK returns the terminal stream line as the result (no merging):
    # session_id must be on that line.
    first = client.run({"app": "infsh/counter", "input": {}, "session": "new"})
    session = first.get("session_id")
    assert isinstance(session, str) and len(session) == 26, first
    again = client.run({"app": "infsh/counter", "input": {}, "session": session})
    assert again.get("output") == {"count": 2}, again
    return f"session_id on the last line; count 2 on {session}"


def fail_raises():
    try:
        client.run({"app": "infsh/fail", "input": {"message": "out of memory"}})
    except Exception as error:  # the SDK raises on a failed task
        assert "out of memory" in str(error), error
        return f"raised {type(error).__name__}"
    raise AssertionError("no exception for a failed task")


def client_tool_turn():
    agent = client.agent(WEATHER_AGENT)
    calls = []

    def on_tool_call(call):
        calls.append((call.name, call.args))
        agent.submit_tool_result(call.id, "9 degrees")

    messages = []
    agent.send_message("What is the weather in Oslo?")
    agent.stream_all(on_message=messages.append, on_tool_call=on_tool_call)
    assert calls == [("get_weather", {"city": "Oslo"})], calls
    last = [m for m in messages if m.get("role") == "assistant"][-1]
    text = "".join(part.get("text") or "" for part in last.get("content") or [])
    assert last.get("status") == "ready" and "9 degrees" in text, last
    return "awaiting_input tool dispatched once, answered, turn ready"


for scenario in (run_echo, session_from_last_line, fail_raises, client_tool_turn):
    try:
        detail = scenario()
        print(json.dumps({"name": scenario.__name__, "ok": True, "detail": detail}), flush=True)
    except Exception as error:  # report, and go on with the next scenario
        detail = f"{type(error).__name__}: {error}"[:300]
        print(json.dumps({"name": scenario.__name__, "ok": False, "detail": detail}), flush=True)
        traceback.print_exc(file=sys.stderr)
