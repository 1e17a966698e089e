/**
 * Type-level tests of typed apps: this file must compile (`deno task check`),
 * and every `@ts-expect-error` below must stay an error, so typing that
 * regresses (a wrong input accepted, a missing output field readable) fails
 * the check. Nothing here runs.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import {
  type ApiTaskRequest,
  type InferenceClient,
  type RunOptions,
  type Task,
  type TaskStatus,
  TaskStatusCompleted,
} from "@inferencesh/sdk";

declare module "@inferencesh/sdk" {
  interface AppTypes {
    "acme/image": {
      input: {
        prompt: string;
        images?: (Blob | string)[];
        quality?: "low" | "medium" | "high";
        n?: number;
      };
      output: { images: string[]; notice: string | null };
      functions: {
        upscale: { input: { image: Blob | string; scale: 2 | 4 }; output: { image: string } };
      };
      variants: "default" | "fp16";
    };
  }
}

interface FluxInput {
  prompt: string;
  steps?: number;
}
interface FluxOutput {
  images: string[];
}

/** An object type standing in for a Standard Schema of `{ ok: boolean }`. */
declare const okSchema: {
  "~standard": {
    version: 1;
    vendor: "test";
    validate: (value: unknown) => { value: { ok: boolean } };
    types?: { input: unknown; output: { ok: boolean } };
  };
};

export async function typed(client: InferenceClient): Promise<void> {
  // Interfaces are accepted as input, for any app.
  const fluxInput: FluxInput = { prompt: "a cat" };
  const untyped = await client.tasks.run({ app: "black-forest-labs/flux", input: fluxInput });
  const unknownOutput: unknown = untyped.output;

  // Explicit input and output types.
  const flux = await client.tasks.run<FluxInput, FluxOutput>({
    app: "black-forest-labs/flux",
    input: fluxInput,
  });
  const images: string[] | undefined = flux.output?.images;
  // @ts-expect-error the output has no such field
  flux.output?.seed;
  // @ts-expect-error the input must be a FluxInput
  await client.tasks.run<FluxInput, FluxOutput>({ app: "x/y", input: { steps: 1 } });

  // A registered app: input checked, output typed, no type arguments.
  const image = await client.tasks.run({
    app: "acme/image",
    input: { prompt: "a cat", quality: "high", n: 2 },
  });
  const urls: string[] | undefined = image.output?.images;
  const notice: string | null | undefined = image.output?.notice;
  // @ts-expect-error the output has no such field
  image.output?.seed;
  // @ts-expect-error the prompt is missing
  await client.tasks.run({ app: "acme/image", input: { quality: "high" } });
  // @ts-expect-error quality is not one of the enum values
  await client.tasks.run({ app: "acme/image", input: { prompt: "x", quality: "ultra" } });
  // @ts-expect-error the field is not part of the input
  await client.tasks.run({ app: "acme/image", input: { prompt: "x", colour: "red" } });
  // @ts-expect-error not one of the app's variants
  await client.tasks.run({ app: "acme/image", input: { prompt: "x" }, variant: "int4" });
  // A wrong input is reported where it is wrong (the field), not on `app` as "not assignable to
  // never": each `@ts-expect-error` below covers only its own line.
  await client.tasks.run({
    app: "acme/image",
    // @ts-expect-error the prompt must be a string
    input: { prompt: 3 },
  });
  await client.tasks.run({
    app: "acme/image",
    // @ts-expect-error the prompt is missing
    input: { n: 2 },
  });

  // A version suffix keeps the registration.
  const pinned = await client.tasks.run({ app: "acme/image@v3", input: { prompt: "x" } });
  const pinnedUrls: string[] | undefined = pinned.output?.images;
  // @ts-expect-error the prompt is missing
  await client.tasks.run({ app: "acme/image@v3", input: {} });

  // A function of a registered app has its own input and output.
  const upscaled = await client.tasks.run({
    app: "acme/image",
    function: "upscale",
    input: { image: new Blob([]), scale: 4 },
  });
  const upscaledImage: string | undefined = upscaled.output?.image;
  // (Each checked call stays on one line: TypeScript 7 reports on the property, 5 on the call.)
  const upscale = { app: "acme/image", function: "upscale" } as const;
  // @ts-expect-error scale must be 2 or 4
  await client.tasks.run({ ...upscale, input: { image: "", scale: 3 } });

  // outputSchema types the output.
  const checked = await client.tasks.run(
    { app: "black-forest-labs/flux", input: fluxInput },
    { outputSchema: okSchema },
  );
  const ok: boolean | undefined = checked.output?.ok;
  // @ts-expect-error the schema's output has no such field
  checked.output?.images;

  // get and stream take an output type.
  const got = await client.tasks.get<FluxOutput>("t");
  const gotImages: string[] | undefined = got.output?.images;
  for await (const update of client.tasks.stream<FluxOutput>("t")) {
    const streamed: string[] | undefined = update.output?.images;
    console.log(streamed);
  }

  // Sessions: registered apps type the handle; run() takes types too.
  const session = await client.sessions.open("acme/image");
  const inSession = await session.run({ prompt: "x" });
  const sessionImages: string[] | undefined = inSession.output?.images;
  // @ts-expect-error the prompt is missing
  await session.run({ n: 1 });
  // A function of a registered app, in a session: its own input and output.
  const upscaledInSession = await session.run({ image: "", scale: 2 }, { function: "upscale" });
  const sessionImage: string | undefined = upscaledInSession.output?.image;
  // @ts-expect-error scale must be 2 or 4
  await session.run({ image: "", scale: 3 }, { function: "upscale" });
  const other = await client.sessions.open("black-forest-labs/flux");
  const otherTask = await other.run<FluxInput, FluxOutput>(fluxInput);
  const otherImages: string[] | undefined = otherTask.output?.images;

  // Code written before typed apps still compiles: a request built as an
  // ApiTaskRequest, options typed as RunOptions, an app name held in a string.
  const request: ApiTaskRequest = { app: "someone/app", input: { prompt: "x" }, infra: "cloud" };
  const options: RunOptions = { wait: false, onUpdate: (t) => console.log(t.status) };
  const legacy: Task = await client.tasks.run(request, options);
  const name: string = "acme/image";
  const byName = await client.tasks.run({ app: name, input: {} });
  const legacyOutput: unknown = byName.output;

  // Task.status is the TaskStatus union.
  const status: TaskStatus = flux.status;
  // @ts-expect-error 42 is not a status
  const wrong: Task["status"] = 42;
  if (flux.status === TaskStatusCompleted) console.log(flux.output?.images);

  console.log(
    unknownOutput,
    images,
    urls,
    notice,
    pinnedUrls,
    upscaledImage,
    ok,
    gotImages,
    sessionImages,
    otherImages,
    status,
    wrong,
    legacy,
    legacyOutput,
    sessionImage,
  );
}
