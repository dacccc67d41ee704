import test from 'ava';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { parseCsv } from '../stdlib/data/csv.js';
import { binariseMask, decodeImage, toChannels } from '../stdlib/data/image-codec.js';
import { resolveInside } from '../stdlib/data/paths.js';
import { resizeBilinear, resizeNearest } from '../stdlib/data/resize.js';
import { stratifiedSplit } from '../stdlib/data/split.js';

test('bilinear resize maps pixel centres and repeats the edges', (t) => {
  t.deepEqual([...resizeBilinear(Uint8Array.from([0, 100]), 1, 2, 1, 1, 4)], [0, 25, 75, 100]);
  // 4 -> 2 averages pairs.
  t.deepEqual([...resizeBilinear(Uint8Array.from([0, 10, 100, 200]), 1, 4, 1, 1, 2)], [5, 150]);
  // Channels stay apart.
  const rgb = Uint8Array.from([255, 0, 0, 0, 0, 255]);
  t.deepEqual([...resizeBilinear(rgb, 1, 2, 3, 1, 1)], [128, 0, 128]);
});

test('nearest resize keeps masks 0/1', (t) => {
  const m = Uint8Array.from([1, 0, 0, 1]);
  t.deepEqual([...resizeNearest(m, 2, 2, 4, 4)], [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  t.deepEqual([...resizeNearest(Uint8Array.from([0, 1, 1, 0, 0, 0]), 1, 6, 1, 3)], [1, 0, 0]);
});

test('masks are on at the threshold and off where transparent', (t) => {
  const rgba = {
    height: 1,
    width: 4,
    channels: 4,
    data: Uint8Array.from([
      127,
      127,
      127,
      255,
      128,
      128,
      128,
      255,
      255,
      0,
      129,
      255, // mean 128
      255,
      255,
      255,
      0,
    ]),
  };
  const { mask, max } = binariseMask(rgba, 128);
  t.deepEqual([...mask], [0, 1, 1, 0]);
  t.is(max, 255);
  t.deepEqual([...toChannels(rgba, 1).data], [127, 128, 128, 255]);
});

test('image decoding tells formats by their bytes, not by name', (t) => {
  t.throws(() => decodeImage(new Uint8Array(0)), { message: 'the file is empty' });
  t.throws(() => decodeImage(Uint8Array.from([0x42, 0x4d, 0, 0])), {
    message: 'not a PNG or JPEG file (unknown first bytes)',
  });
});

test('CSV: quoted commas, doubled quotes, newlines in quotes, CRLF, BOM, blank lines', (t) => {
  const text = '\ufeffa,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",2\n\nlast\n';
  const { header, rows } = parseCsv(text);
  t.deepEqual(header, ['a', 'b']);
  t.deepEqual(rows, [
    { line: 2, cells: { a: 'x, y', b: 'he said "hi"' }, fields: 2 },
    { line: 3, cells: { a: 'multi\nline', b: '2' }, fields: 2 },
    { line: 6, cells: { a: 'last', b: '' }, fields: 1 },
  ]);
  t.is(parseCsv('a,b\n1,2,3\n').rows[0]!.fields, 3);
  t.throws(() => parseCsv('a,b,a\n'), {
    message: 'the header names column `a` twice (columns 1 and 3)',
  });
  t.throws(() => parseCsv('a\n"open'), {
    message: 'a quoted field opened on line 2 is never closed',
  });
});

test('stratified split: each stratum is cut by the fractions; taking order alternates', (t) => {
  const strata = [...Array(60).fill('a'), ...Array(40).fill('b')];
  const s = stratifiedSplit(strata, { train: 0.7, val: 0.1, test: 0.2 }, 5);
  const count = (ids: number[], k: string) => ids.filter((i) => strata[i] === k).length;
  t.deepEqual(
    [s.train, s.val, s.test].map((ids) => [count(ids, 'a'), count(ids, 'b')]),
    [
      [42, 28],
      [6, 4],
      [12, 8],
    ],
  );
  t.is(new Set([...s.train, ...s.val, ...s.test]).size, 100);
  t.deepEqual(
    s.train.slice(0, 4).map((i) => strata[i]),
    ['a', 'b', 'a', 'b'],
  );
  t.deepEqual(stratifiedSplit(strata, { train: 0.7, val: 0.1, test: 0.2 }, 5), s);
});

test('paths may not leave their root', (t) => {
  t.is(resolveInside('/d', '/d/sub', 'x.png'), '/d/sub/x.png');
  t.is(resolveInside('/d', '/d/sub', '../x.png'), '/d/x.png');
  t.is(resolveInside('/d', '/d/sub', '../../x.png'), undefined);
  t.is(resolveInside('/d', '/d', '/etc/passwd'), undefined);
  t.is(resolveInside('/d', '/d', '../d2/x.png'), undefined);
});

test('images that declare more than 100 megapixels are refused before decoding', (t) => {
  const png = PNG.sync.write(Object.assign(new PNG({ width: 1, height: 1 }), {}));
  const header = new DataView(png.buffer, png.byteOffset, png.byteLength);
  header.setUint32(16, 20000);
  header.setUint32(20, 20000);
  t.throws(() => decodeImage(png), {
    message:
      'the PNG is 20000×20000 (400 megapixels), larger than 100 megapixels; scale it down first',
  });

  const jpg = Buffer.from(
    jpeg.encode({ width: 1, height: 1, data: Buffer.alloc(4, 128) }, 90).data,
  );
  const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
  jpg.writeUInt16BE(11000, sof + 5);
  jpg.writeUInt16BE(11000, sof + 7);
  t.throws(() => decodeImage(jpg), {
    message: 'the JPEG is larger than 100 megapixels; scale it down first',
  });
});
