/**
 * A report as a list of blocks, written two ways: report.md (figures as
 * links to files next to it) and a self-contained report.html (figures as
 * data: URIs, styles inline, nothing fetched).
 */

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; items: string[] }
  | { type: 'table'; header: string[]; rows: string[][]; caption?: string }
  | {
      type: 'figure';
      /** Path of the PNG relative to the report folder. */
      file: string;
      png: Buffer;
      width: number;
      height: number;
      caption: string;
      /** Path of an SVG version, when there is one. */
      svg?: string;
    };

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`, '');
        break;
      case 'paragraph':
        out.push(b.text, '');
        break;
      case 'list':
        out.push(...b.items.map((i) => `- ${i}`), '');
        break;
      case 'table':
        if (b.caption) out.push(b.caption, '');
        out.push(
          `| ${b.header.map(cell).join(' | ')} |`,
          `|${b.header.map(() => '---').join('|')}|`,
          ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
          '',
        );
        break;
      case 'figure':
        out.push(
          `![${b.caption}](${b.file})`,
          '',
          `*${b.caption}*` + (b.svg ? ` ([SVG](${b.svg}))` : ''),
          '',
        );
        break;
    }
  }
  return out.join('\n');
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1200px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0 1.4em; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead { background: #f3f3f3; }
caption { caption-side: top; text-align: left; padding-bottom: 0.3em; color: #555; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; }
`;

export function toHtml(title: string, blocks: readonly Block[]): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'heading':
        body.push(`<h${b.level}>${esc(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        body.push(`<p>${esc(b.text)}</p>`);
        break;
      case 'list':
        body.push(`<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`);
        break;
      case 'table':
        body.push(
          '<table>' +
            (b.caption ? `<caption>${esc(b.caption)}</caption>` : '') +
            `<thead><tr>${b.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
            `<tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody>` +
            '</table>',
        );
        break;
      case 'figure':
        body.push(
          `<figure><img src="data:image/png;base64,${b.png.toString('base64')}" ` +
            `width="${b.width}" height="${b.height}" alt="${esc(b.caption)}">` +
            `<figcaption>${esc(b.caption)}</figcaption></figure>`,
        );
        break;
    }
  }
  // The policy forbids every fetch; the page needs none.
  const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head>\n<body>\n` +
    body.join('\n') +
    '\n</body></html>\n'
  );
}

/** RFC 4180 CSV: quote fields holding a comma, quote or line break. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const field = (v: string | number | null | undefined) => {
    const s =
      v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))
        ? ''
        : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}
