/**
 * The study as a tree of YAML nodes that remember where they came from, so
 * that every later check can point at the exact characters of its file.
 */
import type { Json } from '../stdlib/types.js';

interface YBase {
  /** File the node was read from (imports keep their own file). */
  file: string;
  /** Offsets of the node's text, end exclusive. */
  start: number;
  end: number;
}

export interface YScalar extends YBase {
  kind: 'scalar';
  value: null | boolean | number | string;
  /**
   * For strings that hold `${{`: the file offset of each character of the
   * value (one extra entry for the end), so expressions map back to the file.
   */
  offsets?: number[];
}

export interface YEntry {
  key: string;
  keyNode: YScalar;
  value: YNode;
}

export interface YMap extends YBase {
  kind: 'map';
  entries: YEntry[];
}

export interface YSeq extends YBase {
  kind: 'seq';
  items: YNode[];
}

export type YNode = YScalar | YMap | YSeq;

/** Sets an own property, even one named `__proto__`. */
export function setKey<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function entry(map: YMap, key: string): YEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

/** The plain value of a node, ignoring `${{ }}` (they stay strings). */
export function toJson(node: YNode): Json {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toJson);
    case 'map': {
      const out: Record<string, Json> = {};
      for (const e of node.entries) setKey(out, e.key, toJson(e.value));
      return out;
    }
  }
}

/** Length of a node's text for underlining (at least one character). */
export function span(node: YBase): number {
  return Math.max(1, node.end - node.start);
}

export function describeNode(node: YNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  if (node.value === null) return 'null';
  return `a ${typeof node.value}`;
}
