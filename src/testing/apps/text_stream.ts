/**
 * `infsh/text-stream`: an LLM-like app that streams its reply as deltas.
 *
 * @module
 */

import { type AppContext, type EmulatedApp, inputObject } from "./app.ts";

/** The reply to `prompt`: deterministic, so tests can assert it. */
export function textStreamReply(prompt: string): string {
  return `Echo: ${prompt}`;
}

/** Word-sized pieces whose concatenation is exactly `text` (spaces stay with the word before). */
export function wordPieces(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/u).filter((piece) => piece !== "");
}

/**
 * Streams `Echo: <input.prompt>` as `{"response": piece}` deltas, `stepMs` apart,
 * and completes with `{"response": <the whole reply>}`.
 */
export const textStreamApp: EmulatedApp = {
  name: "infsh/text-stream",
  id: "app_text_stream",
  versionId: "ver_text_stream_1",
  async run(input: unknown, context: AppContext): Promise<unknown> {
    const prompt = inputObject(input)["prompt"];
    const reply = textStreamReply(typeof prompt === "string" ? prompt : "");
    for (const piece of wordPieces(reply)) {
      await context.step();
      context.delta({ response: piece });
    }
    return { response: reply };
  },
};
