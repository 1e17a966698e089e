/**
 * Opens a {@linkcode LineStream} for a request: negotiates the format, takes the
 * queued stream faults and registers the stream so `close()` can end it.
 *
 * @module
 */

import type { StreamFaults } from "../faults.ts";
import type { EmulatorState } from "../state.ts";
import { LineStream, negotiateFormat, streamHeaders } from "./line_stream.ts";

/** A stream ready to be written, and the response that carries it. */
export interface OpenedStream {
  stream: LineStream;
  response: Response;
  /** The stream faults this stream took (the writer applies most of them itself). */
  faults: StreamFaults;
}

/**
 * Opens a stream answering `request`. `onStop` runs once when nothing more
 * will be written (end, fault, client cancel): unsubscribe there.
 */
export function openStream(
  state: EmulatorState,
  request: Request,
  onStop: () => void,
): OpenedStream {
  const format = negotiateFormat(request.headers.get("accept"));
  let stream: LineStream | undefined = undefined;
  const faults = state.faults.takeStreamFaults(new URL(request.url).pathname);
  stream = new LineStream({
    format,
    faults,
    split: state.faults.splitting,
    timers: state.timers,
    heartbeatMs: state.heartbeatMs,
    onStop,
    onFinish: () => {
      if (stream) state.streams.delete(stream);
    },
  });
  if (!stream.finished) state.streams.add(stream);
  return {
    stream,
    response: new Response(stream.body, { headers: streamHeaders(format) }),
    faults,
  };
}
