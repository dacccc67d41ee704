/**
 * Reads one YAML file into a YNode tree. Syntax errors, duplicate keys,
 * unknown aliases and values JSON cannot hold become diagnostics; the tree
 * holds whatever could be read.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml';
import type { Reporter } from './source.js';
import { scalarOffsets } from './scalar-offsets.js';
import type { YEntry, YMap, YNode, YScalar } from './yaml-tree.js';

/** Alias expansion stops here so a "billion laughs" file cannot hang the checker. */
const MAX_NODES = 20000;

const YAML_MESSAGES: Record<string, string> = {
  BAD_INDENT: 'this line is not indented consistently with the lines around it',
  MISSING_CHAR: 'a closing bracket or quote is missing',
  MULTIPLE_DOCS: 'the file holds several YAML documents; a study is one document',
  BLOCK_AS_IMPLICIT_KEY: 'a key cannot span several lines; put the key on one line',
  DUPLICATE_KEY: 'this key appears twice in the same map',
  MULTILINE_IMPLICIT_KEY: 'a key cannot span several lines; put the key on one line',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote the value',
  TAB_AS_INDENT: 'YAML indentation must use spaces, not tabs',
};

function yamlMessage(e: YAMLError): string {
  const own = YAML_MESSAGES[e.code];
  if (own) return own;
  const first = e.message.split(' at line ')[0] ?? e.message;
  return `YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

/**
 * An unquoted `${{ a ? b : c }}` is the usual way to trip YAML: its `: `
 * starts a mapping. When the offending line holds an expression, say so.
 */
function yamlHint(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  if (/^[^'"]*:\s*\$\{\{.*(: | #|\{|\[)/.test(line)) {
    return 'quote the whole value ("${{ … }}"): unquoted, a `: `, ` #`, `[` or `{` inside the expression is read as YAML';
  }
  return 'fix the YAML syntax here; the rest of the file may be misread until then';
}

export function loadYaml(file: string, text: string, rep: Reporter): YNode | undefined {
  const doc = parseDocument(text, {
    keepSourceTokens: true,
    uniqueKeys: false,
    prettyErrors: false,
  });
  for (const e of doc.errors) {
    rep.error({
      code: 'YAML_SYNTAX',
      message: yamlMessage(e),
      file,
      offset: e.pos[0],
      length: e.pos[1] - e.pos[0],
      hint: yamlHint(text, e.pos[0]),
    });
  }
  for (const w of doc.warnings) {
    rep.warn({
      code: 'YAML_WARNING',
      message: yamlMessage(w),
      file,
      offset: w.pos[0],
      length: w.pos[1] - w.pos[0],
    });
  }
  if (!doc.contents) return undefined;
  const conv = new Converter(file, text, doc, rep);
  try {
    return conv.node(doc.contents as YamlNode, []);
  } catch (err) {
    if (err === TOO_LARGE) return undefined;
    throw err;
  }
}

/** Thrown inside the converter to stop reading a document that expands too much. */
const TOO_LARGE = Symbol('too large');

class Converter {
  private count = 0;
  /** Offset of the outermost alias being expanded, where a blow-up is reported. */
  private aliasAt: number | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document,
    readonly rep: Reporter,
  ) {}

  node(n: YamlNode, resolving: YamlNode[]): YNode {
    const [start, , end] = n.range ?? [0, 0, 0];
    if (++this.count > MAX_NODES) {
      const at = resolving[0]?.range ?? n.range ?? [0, 0, 0];
      this.rep.error({
        code: 'YAML_TOO_LARGE',
        message: `the document expands to more than ${MAX_NODES} values`,
        file: this.file,
        offset: this.aliasAt ?? at[0],
        length: 1,
        hint: 'aliases that repeat aliases multiply quickly; write the values out',
      });
      throw TOO_LARGE;
    }
    if (isAlias(n)) return this.alias(n, resolving);
    if (isMap(n)) return this.map(n, resolving);
    if (isSeq(n)) {
      const items = n.items.map((it) => this.node(it as YamlNode, resolving));
      return { kind: 'seq', file: this.file, start, end, items };
    }
    if (isScalar(n)) return this.scalar(n, start, n.range?.[1] ?? end);
    return this.nullAt(start, end);
  }

  private alias(
    n: YamlNode & { source: string; resolve(d: Document): unknown },
    resolving: YamlNode[],
  ): YNode {
    const [start, , end] = n.range ?? [0, 0, 0];
    const target = n.resolve(this.doc) as YamlNode | undefined;
    if (!target) {
      this.rep.error({
        code: 'UNKNOWN_ANCHOR',
        message: `alias \`*${n.source}\` refers to no anchor defined before it`,
        file: this.file,
        offset: start,
        length: end - start,
        hint: `define \`&${n.source}\` on a value above this line`,
      });
      return this.nullAt(start, end);
    }
    if (resolving.includes(target)) {
      this.rep.error({
        code: 'ALIAS_CYCLE',
        message: `alias \`*${n.source}\` is used inside the value it names`,
        file: this.file,
        offset: start,
        length: end - start,
      });
      return this.nullAt(start, end);
    }
    const outermost = this.aliasAt === undefined;
    if (outermost) this.aliasAt = start;
    const out = this.node(target, [...resolving, target]);
    if (outermost) this.aliasAt = undefined;
    return out;
  }

  private map(
    n: YamlNode & { items: { key: unknown; value: unknown }[] },
    resolving: YamlNode[],
  ): YMap {
    const [start, , end] = n.range ?? [0, 0, 0];
    const entries: YEntry[] = [];
    const first = new Map<string, YScalar>();
    for (const pair of n.items) {
      const keyNode =
        pair.key == null ? this.nullAt(start, start) : this.node(pair.key as YamlNode, resolving);
      if (keyNode.kind !== 'scalar' || keyNode.value === null) {
        this.rep.error({
          code: 'BAD_KEY',
          message: 'map keys must be plain names',
          file: this.file,
          offset: keyNode.start,
          length: keyNode.end - keyNode.start,
        });
        continue;
      }
      const key = String(keyNode.value);
      const value =
        pair.value == null
          ? this.nullAt(keyNode.end, keyNode.end)
          : this.node(pair.value as YamlNode, resolving);
      const before = first.get(key);
      if (before) {
        this.rep.error({
          code: 'DUPLICATE_KEY',
          message: `key \`${key}\` is defined twice in this map`,
          file: this.file,
          offset: keyNode.start,
          length: keyNode.end - keyNode.start,
          hint: 'remove one of the two; the later one would silently win',
          related: {
            file: this.file,
            offset: before.start,
            length: before.end - before.start,
            message: 'first defined here',
          },
        });
        continue;
      }
      first.set(key, keyNode);
      entries.push({ key, keyNode, value });
    }
    return { kind: 'map', file: this.file, start, end, entries };
  }

  private scalar(
    n: YamlNode & { value: unknown; type?: string },
    start: number,
    end: number,
  ): YScalar {
    const v = n.value;
    if (typeof v === 'string') {
      const s: YScalar = { kind: 'scalar', file: this.file, start, end, value: v };
      if (v.includes('${{')) s.offsets = scalarOffsets(this.text, start, end, n.type ?? '', v);
      return s;
    }
    if (v === null || v === undefined || typeof v === 'boolean') {
      return { kind: 'scalar', file: this.file, start, end, value: v ?? null };
    }
    if (typeof v === 'number' && Number.isFinite(v)) {
      return { kind: 'scalar', file: this.file, start, end, value: v };
    }
    if (typeof v === 'bigint')
      return { kind: 'scalar', file: this.file, start, end, value: Number(v) };
    this.rep.error({
      code: 'UNSUPPORTED_VALUE',
      message:
        typeof v === 'number'
          ? 'infinite and NaN numbers are not allowed'
          : 'this value has no JSON form',
      file: this.file,
      offset: start,
      length: end - start,
      hint: 'use a finite number, a string, a list or a map',
    });
    return this.nullAt(start, end);
  }

  private nullAt(start: number, end: number): YScalar {
    return { kind: 'scalar', file: this.file, start, end, value: null };
  }
}
