/**
 * `infsh/image`: returns a URL to a real PNG the emulator serves.
 *
 * @module
 */

import { gradientPng } from "../files/png.ts";
import { type AppContext, type EmulatedApp, inputObject } from "./app.ts";

const MAX_SIDE = 1024;

function side(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return 64;
  return Math.min(MAX_SIDE, Math.max(1, Math.round(value)));
}

/**
 * Renders an `input.width` × `input.height` gradient (default 64 × 64, at most
 * 1024 a side) and completes with `{"image": "<origin>/__files/<id>/image.png"}`.
 */
export const imageApp: EmulatedApp = {
  name: "infsh/image",
  id: "app_image",
  versionId: "ver_image_1",
  async run(input: unknown, context: AppContext): Promise<unknown> {
    const fields = inputObject(input);
    const width = side(fields["width"]);
    const height = side(fields["height"]);
    context.log(`rendering ${width}x${height}`);
    await context.step();
    const url = context.storeFile("image.png", "image/png", gradientPng(width, height));
    return { image: url };
  },
};
