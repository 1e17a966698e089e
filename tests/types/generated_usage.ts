/**
 * Type-level tests of a generated declaration file: the committed snapshot
 * (tests/cli/snapshots/acme_studio.ts, the generator's output for an image
 * app) compiles, and it makes `tasks.run` check the app's input and type its
 * output. Every `@ts-expect-error` must stay an error. Nothing here runs.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import type { InferenceClient } from "@inferencesh/sdk";
import type { AcmeStudioInput } from "../cli/snapshots/acme_studio.ts";

export async function generated(client: InferenceClient): Promise<void> {
  const task = await client.tasks.run({
    app: "acme/studio",
    input: { prompt: "a cat", images: [new Blob([]), "https://example.com/ref.png"], n: 3 },
  });
  const images: string[] | undefined = task.output?.images;
  const notice: string | null | undefined = task.output?.notice;
  // @ts-expect-error the output has no such field
  task.output?.seed;
  // @ts-expect-error quality is an enum
  await client.tasks.run({ app: "acme/studio", input: { prompt: "x", quality: "ultra" } });
  // @ts-expect-error n is a number
  await client.tasks.run({ app: "acme/studio", input: { prompt: "x", n: "3" } });
  // @ts-expect-error prompt is required
  await client.tasks.run({ app: "acme/studio", input: { n: 3 } });
  // @ts-expect-error an image is a Blob or a URI string
  await client.tasks.run({ app: "acme/studio", input: { prompt: "x", images: [42] } });
  const edited = await client.tasks.run({
    app: "acme/studio",
    function: "edit",
    variant: "fp16",
    input: { image: "https://example.com/a.png", prompt: "make it blue" },
  });
  const image: string | undefined = edited.output?.image;
  const input: AcmeStudioInput = { prompt: "x", size: { width: 512, height: 512 } };
  console.log(images, notice, image, input);
}
