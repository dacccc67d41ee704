/**
 * Fault points for crash tests. `ALIGNLAB_FAULT=<point>[:<n>]` makes the
 * process that reaches the named point for the n-th time (default 1) kill
 * itself with SIGKILL, as a power cut or `kill -9` would. The point `any`
 * matches every point, so `any:17` stops at the 17th point reached: with a
 * seeded n this is a reproducible "random moment".
 *
 * Counts are per process unless `ALIGNLAB_FAULT_COUNTER=<file>` names a
 * file: then every process of the run (the CLI and its workers inherit the
 * environment) counts in it, one byte per point reached, and the points
 * reached are appended to `<file>.trace` so a test can see where it stopped.
 *
 * The environment is read once, when this module loads; with no
 * `ALIGNLAB_FAULT` a fault point is one comparison with `undefined`.
 */
import { appendFileSync, statSync } from 'node:fs';

interface FaultSpec {
  point: string;
  /** Reached this many times: kill. 0 never kills (counting runs). */
  n: number;
  counter: string | undefined;
}

const spec: FaultSpec | undefined = parseFault(
  process.env['ALIGNLAB_FAULT'],
  process.env['ALIGNLAB_FAULT_COUNTER'],
);
let reached = 0;

export function parseFault(
  text: string | undefined,
  counter: string | undefined,
): FaultSpec | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^([a-z][a-z0-9-]*)(?::(\d+))?$/.exec(text);
  if (match === null) {
    throw new Error(`ALIGNLAB_FAULT must be <point> or <point>:<n> (n ≥ 0); got \`${text}\``);
  }
  const n = match[2] === undefined ? 1 : Number(match[2]);
  return { point: match[1]!, n, counter: counter === '' ? undefined : counter };
}

/** True when a fault is armed: callers may skip work done only for faults. */
export const faultsArmed = spec !== undefined;

/** Mark a fault point; kills this process when it is the armed one. */
export function faultPoint(name: string): void {
  if (spec === undefined) return;
  if (spec.point !== 'any' && spec.point !== name) return;
  if (hit(name) === spec.n) process.kill(process.pid, 'SIGKILL');
}

/** Count one arrival at a point; returns the count so far. */
function hit(name: string): number {
  if (spec!.counter === undefined) return ++reached;
  appendFileSync(`${spec!.counter}.trace`, `${process.pid} ${name}\n`);
  // O_APPEND writes of one byte each: the size is the count across processes.
  appendFileSync(spec!.counter, '.');
  return statSync(spec!.counter).size;
}
