/**
 * Checks of the examples that run inside a runtime's bundle (the Worker on
 * workerd, the Vercel routes in edge-runtime): call the example's handler with
 * a request, as the platform would.
 *
 * @module
 */

import { isStreamedReply, PROMPT } from "./scenarios.ts";

type Handler = (request: Request) => Response | Promise<Response>;

/** `GET <url>?prompt=…` must stream back the text-stream app's reply. */
export async function checkRunRoute(handler: Handler, url: string): Promise<string> {
  const response = await handler(new Request(`${url}?prompt=${encodeURIComponent(PROMPT)}`));
  const text = await response.text();
  if (response.status !== 200 || !isStreamedReply(text, `Echo: ${PROMPT}`)) {
    throw new Error(`run route answered ${response.status}: ${text.slice(0, 200)}`);
  }
  return "run route streamed the reply";
}

/** A request shaped like the official client's must get through the proxy route. */
export async function checkProxyRoute(handler: Handler, url: string): Promise<string> {
  const response = await handler(
    new Request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-inf-target-url": "https://api.inference.sh/apps/run",
      },
      body: JSON.stringify({ app: "infsh/echo", input: { n: 1 } }),
    }),
  );
  const text = await response.text();
  if (response.status !== 200 || !/"id":"[0-7][0-9a-hjkmnp-tv-z]{25}"/.test(text)) {
    throw new Error(`proxy route answered ${response.status}: ${text.slice(0, 200)}`);
  }
  return "proxy route relayed";
}
