/** The package version, sent in `X-Client-Source` (a test checks it matches deno.json). */
export const VERSION = "0.7.0";
