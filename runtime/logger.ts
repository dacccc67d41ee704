/** Picks the logger for the terminal the run writes to. */
import type { Logger } from './events.js';
import { JsonLogger } from './logger-json.js';
import { PlainLogger, type Streams } from './logger-plain.js';
import { TtyLogger } from './logger-tty.js';

export type { Logger, RunEvent } from './events.js';

export function createLogger(options: { json: boolean; streams?: Streams }): Logger {
  const streams = options.streams ?? { out: process.stdout, err: process.stderr };
  if (options.json) return new JsonLogger(streams.out);
  const isTty = (s: NodeJS.WritableStream) => (s as NodeJS.WriteStream).isTTY === true;
  const tty = isTty(streams.out) && isTty(streams.err);
  return tty ? new TtyLogger(streams) : new PlainLogger(streams);
}
