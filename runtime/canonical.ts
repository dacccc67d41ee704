/**
 * Canonical JSON: the one text a value hashes to, whatever the key order or
 * number spelling of the study it came from.
 */
import type { Json } from '../stdlib/types.js';

/**
 * Serialise a JSON value with sorted object keys and normalised numbers.
 * `-0` becomes `0`; non-finite numbers cannot occur in resolved parameters,
 * so they are rejected instead of silently turning into `null`.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return canonicalNumber(value);
  if (typeof value === 'string' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const body = entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${body.join(',')}}`;
  }
  throw new TypeError(`cannot hash a value of type ${typeof value}`);
}

function canonicalNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new TypeError(`cannot hash the non-finite number ${n}; use a finite value`);
  }
  // JSON.stringify already prints the shortest round-trip form (1.0 → 1).
  return Object.is(n, -0) ? '0' : JSON.stringify(n);
}

/** Parse canonical JSON back; a typed alias for readability at call sites. */
export function parseJson(text: string): Json {
  return JSON.parse(text) as Json;
}
