/** `--json`: every event as one JSON object per line on stdout. */
import type { Logger, RunEvent } from './events.js';

export class JsonLogger implements Logger {
  constructor(private readonly out: NodeJS.WritableStream) {}

  log(event: RunEvent): void {
    this.out.write(JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n');
  }

  close(): void {}
}
