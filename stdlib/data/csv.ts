/**
 * A small CSV reader (RFC 4180): comma-separated, fields in double quotes
 * may hold commas, newlines and doubled quotes; CRLF or LF line ends; a
 * leading byte-order mark is ignored. Blank lines are skipped.
 */

export interface CsvTable {
  header: string[];
  /**
   * Data rows as header -> cell; `line` is the 1-based line of the row's
   * start; `fields` counts the fields the row really had.
   */
  rows: { line: number; cells: Record<string, string>; fields: number }[];
}

export function parseCsvRows(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new Error(`a quoted field opened on line ${rowLine} is never closed`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/**
 * Parse with the first row as header. Rows shorter than the header get ''
 * cells; a header that names a column twice is an error (which of the two
 * would be read is a guess).
 */
export function parseCsv(text: string): CsvTable {
  const [head, ...body] = parseCsvRows(text);
  if (head === undefined) return { header: [], rows: [] };
  const header = head.fields.map((h) => h.trim());
  header.forEach((h, k) => {
    const first = header.indexOf(h);
    if (first !== k && h !== '') {
      throw new Error(`the header names column \`${h}\` twice (columns ${first + 1} and ${k + 1})`);
    }
  });
  const rows = body.map(({ line, fields }) => {
    const cells: Record<string, string> = {};
    header.forEach((h, k) => (cells[h] = (fields[k] ?? '').trim()));
    return { line, cells, fields: fields.length };
  });
  return { header, rows };
}

/** parseCsv, with its errors naming the file, as `fatal` makes them. */
export function parseCsvFile(
  text: string,
  shown: string,
  fatal: (file: string, what: string) => Error,
): CsvTable {
  try {
    return parseCsv(text);
  } catch (error) {
    throw fatal(shown, (error as Error).message);
  }
}
