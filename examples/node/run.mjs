// Node.js 20.19+: run an app and print its reply as it streams; Ctrl-C cancels the task.
//
//   npx jsr add @inferencesh/sdk      (this SDK from JSR; from npm: npm install @inferencesh/sdk@^0.7
//                                      once 0.7 is published there: npm's 0.6.x is the previous SDK)
//   INFERENCE_API_KEY=inf_... node run.mjs "Write a haiku about the sea"
//
// INFERENCE_APP picks another app; INFERENCE_BASE_URL another API (e.g. the emulator).
import process from "node:process";
import { inference, TaskStatusCompleted } from "@inferencesh/sdk";

const client = inference({
  apiKey: process.env.INFERENCE_API_KEY,
  baseUrl: process.env.INFERENCE_BASE_URL,
});
const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));

const task = await client.tasks.run(
  {
    app: process.env.INFERENCE_APP ?? "infsh/text-stream",
    input: { prompt: process.argv[2] ?? "Hello from Node.js" },
  },
  {
    signal: controller.signal, // an abort also cancels the task on the server
    onDelta: (delta) => process.stdout.write(delta.delta.response ?? ""),
  },
);
process.stdout.write("\n");
if (task.status !== TaskStatusCompleted) {
  process.stderr.write(`Task ${task.id} did not complete: ${task.error ?? "cancelled"}\n`);
  process.exitCode = 1;
}
