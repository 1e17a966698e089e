// deno-lint-ignore-file no-console
/**
 * An ad-hoc agent with a zod-typed client tool and a structured output: the
 * model calls `get_weather`, the SDK runs the handler below and sends its result
 * back, and the reply carries an object checked against the output schema.
 *
 *   deno run --allow-env examples/agent_tools.ts              # against the local emulator
 *   INFERENCE_API_KEY=inf_... deno run --allow-net --allow-env examples/agent_tools.ts
 *                  # against the real API (INFERENCE_CORE_APP picks the LLM)
 */
import { inference, tool } from "@inferencesh/sdk";
import { createEmulator } from "@inferencesh/sdk/testing";
import { z } from "zod";

const apiKey = Deno.env.get("INFERENCE_API_KEY");
// Without a key the same code runs against an in-process emulator of the API.
const emulator = apiKey ? undefined : createEmulator({ stepMs: 15 });
const client = emulator
  ? inference({ apiKey: "demo", fetch: emulator.fetch })
  : inference({ apiKey: apiKey!, baseUrl: Deno.env.get("INFERENCE_BASE_URL") });

const weather = tool("get_weather")
  .description("Get the current weather in a city")
  .params(z.object({ city: z.string().describe("City name") }))
  .handler(({ city }) => {
    // `city` is a string: typed by the schema, and checked before this runs.
    const celsius = 12 + (city.length % 10);
    return { city, celsius, conditions: celsius > 18 ? "sunny" : "cloudy" };
  })
  .build();

const agent = client.agents.create({
  coreApp: Deno.env.get("INFERENCE_CORE_APP") ?? "infsh/emulated-llm",
  systemPrompt: "You report the weather. Use get_weather, then finish with the structured report.",
  tools: [weather],
  outputSchema: z.object({
    city: z.string(),
    celsius: z.number(),
    conditions: z.enum(["sunny", "cloudy", "rainy"]),
  }),
  internalTools: { finish: true },
});

console.log(
  emulator
    ? "Using the local emulator (set INFERENCE_API_KEY to use the real API)."
    : `Using ${Deno.env.get("INFERENCE_BASE_URL") ?? "https://api.inference.sh"}.`,
);
const encoder = new TextEncoder();
try {
  const reply = await agent.sendMessage("What is the weather in Paris?", {
    onDelta: (delta) => Deno.stdout.writeSync(encoder.encode(delta.delta.response ?? "")),
    onToolCall: (call) => {
      console.log(`\n  [tool] ${call.name}(${JSON.stringify(call.args)}) → ${call.result}`);
    },
  });
  console.log();
  // `reply.output` is typed { city: string; celsius: number; conditions: "sunny" | … }.
  const { city, celsius, conditions } = reply.output;
  console.log(`Structured output: ${city}, ${celsius} °C, ${conditions}`);
} finally {
  agent.disconnect();
  emulator?.close();
}
