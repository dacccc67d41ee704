/**
 * Maps each character of a YAML string scalar's value back to its offset in
 * the file, undoing quoting and escapes, so a caret inside `${{ }}` lands on
 * the right character. Single-line plain and quoted scalars and literal
 * blocks are mapped exactly; other forms (folded lines) fall back to the
 * start of the scalar.
 */

export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | string;

export function scalarOffsets(
  text: string,
  start: number,
  end: number,
  style: ScalarStyle,
  value: string,
): number[] {
  let map: number[] | undefined;
  const raw = text.slice(start, end);
  if (style === 'PLAIN' && raw === value) {
    map = Array.from({ length: value.length + 1 }, (_, i) => start + i);
  } else if (style === 'QUOTE_SINGLE' && !raw.includes('\n')) {
    map = mapSingle(raw, start);
  } else if (style === 'QUOTE_DOUBLE' && !raw.includes('\n')) {
    map = mapDouble(raw, start);
  } else if (style === 'BLOCK_LITERAL') {
    map = mapLiteral(raw, start, value);
  }

  // A walk that does not reproduce the value exactly is not trusted.
  if (map && map.length === value.length + 1) return map;
  return new Array<number>(value.length + 1).fill(start);
}

function mapSingle(raw: string, start: number): number[] {
  const map: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    map.push(start + i);
    if (raw[i] === "'" && raw[i + 1] === "'") i++;
  }
  map.push(start + raw.length - 1);
  return map;
}

const ESCAPE_WIDTH: Record<string, number> = { x: 2, u: 4, U: 8 };

function mapDouble(raw: string, start: number): number[] {
  const map: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    if (raw[i] !== '\\') {
      map.push(start + i);
      continue;
    }
    const kind = raw[i + 1] ?? '';
    const width = ESCAPE_WIDTH[kind] ?? 0;
    const code = width ? parseInt(raw.slice(i + 2, i + 2 + width), 16) : 0;
    map.push(start + i);
    // Code points above 0xFFFF become two UTF-16 units in the value.
    if (code > 0xffff) map.push(start + i);
    i += 1 + width;
  }
  map.push(start + raw.length - 1);
  return map;
}

function mapLiteral(raw: string, start: number, value: string): number[] | undefined {
  const firstBreak = raw.indexOf('\n');
  if (firstBreak < 0) return undefined;
  const body = raw.slice(firstBreak + 1);
  const firstLine = body.split('\n').find((l) => l.trim() !== '') ?? '';
  const indent = firstLine.length - firstLine.trimStart().length;
  const map: number[] = [];
  let out = '';
  let offset = start + firstBreak + 1;
  for (const line of body.split('\n')) {
    const skip = Math.min(indent, line.length);
    for (let i = skip; i < line.length; i++) {
      map.push(offset + i);
      out += line[i];
    }
    map.push(offset + line.length);
    out += '\n';
    offset += line.length + 1;
  }
  const kept = value.length;
  if (out.slice(0, kept) !== value) return undefined;
  return map.slice(0, kept + 1);
}
