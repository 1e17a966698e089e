// deno-lint-ignore-file no-console
/**
 * Quickstart: run an app, print live status updates and streamed text, then the result.
 *
 *   deno task demo                                   # against the local emulator
 *   INFERENCE_API_KEY=inf_... INFERENCE_APP=you/app deno task demo   # against the real API
 */
import { inference, statusName, TaskStatusCompleted } from "@inferencesh/sdk";
import { createEmulator } from "@inferencesh/sdk/testing";

const apiKey = Deno.env.get("INFERENCE_API_KEY");
// Without a key the same code runs against an in-process emulator of the API.
const emulator = apiKey ? undefined : createEmulator();
const client = emulator
  ? inference({ apiKey: "demo", fetch: emulator.fetch })
  : inference({ apiKey: apiKey!, baseUrl: Deno.env.get("INFERENCE_BASE_URL") });
const app = Deno.env.get("INFERENCE_APP") ?? "infsh/text-stream";

console.log(
  emulator
    ? "Using the local emulator (set INFERENCE_API_KEY to use the real API)."
    : `Using ${Deno.env.get("INFERENCE_BASE_URL") ?? "https://api.inference.sh"}.`,
);
console.log(`Running ${app}…`);

const encoder = new TextEncoder();
let streaming = false;
let lastStatus = -1;
try {
  const result = await client.tasks.run(
    { app, input: { prompt: "Hello from the inference.sh TypeScript SDK ✨" } },
    {
      // Called for every update; print status changes (logs and other fields change too).
      onUpdate: (task) => {
        if (task.status === lastStatus) return;
        lastStatus = task.status;
        if (streaming) console.log();
        streaming = false;
        console.log(`  status: ${statusName(task.status)}`);
      },
      onDelta: (delta) => {
        if (!streaming) Deno.stdout.writeSync(encoder.encode("  text:   "));
        streaming = true;
        Deno.stdout.writeSync(encoder.encode(delta.delta.response ?? ""));
      },
    },
  );
  if (streaming) console.log();
  if (result.status === TaskStatusCompleted) {
    console.log("Result:", JSON.stringify(result.output));
  } else {
    console.log(`Task ${result.id} ended ${statusName(result.status)}: ${result.error ?? ""}`);
  }
} finally {
  emulator?.close();
}
