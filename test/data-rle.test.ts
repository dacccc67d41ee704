import test from 'ava';
import {
  decodeCounts,
  decodeRle,
  encodeCounts,
  encodeRle,
  maskToRuns,
  runsToMask,
} from '../stdlib/data/rle.js';
import { Rng } from '../stdlib/tf/rng.js';

// The vectors from issue 6.
const vectors: [number[], string][] = [
  [[0, 2, 2, 2, 10], '02208'],
  [[100, 3, 50, 200], 'T33b1U6'],
  [[5, 10, 2, 1], '5:2G'],
];

for (const [runs, text] of vectors) {
  test(`runs ${runs.join(',')} encode as ${text} and decode back`, (t) => {
    t.is(encodeCounts(runs), text);
    t.deepEqual(decodeCounts(text), runs);
  });
}

test('a 4x4 mask with its top-left 2x2 set is 02208 (column-major)', (t) => {
  const mask = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  t.deepEqual(maskToRuns(mask, 4, 4), [0, 2, 2, 2, 10]);
  t.deepEqual(encodeRle(mask, 4, 4), { size: [4, 4], counts: '02208' });
  t.deepEqual([...decodeRle({ size: [4, 4], counts: '02208' })], mask);
});

test('column-major fill: a 2x3 mask with only the last column set', (t) => {
  // Row-major [0,0,1, 0,0,1]: columns 0 and 1 are off (4 px), column 2 on (2 px).
  const mask = runsToMask([4, 2], 2, 3);
  t.deepEqual([...mask], [0, 0, 1, 0, 0, 1]);
});

test('random masks survive encode then decode, large runs included', (t) => {
  const rng = new Rng(7);
  for (const [h, w] of [
    [1, 1],
    [3, 5],
    [17, 9],
    [320, 390],
  ]) {
    const p = rng.next();
    const mask = Uint8Array.from({ length: h * w }, () => (rng.next() < p ? 1 : 0));
    const rle = encodeRle(mask, h, w);
    t.deepEqual(decodeRle(rle), mask, `${h}x${w}`);
  }
  // One run of 2^31 pixels needs seven 5-bit chunks.
  const runs = [2 ** 31, 3, 5, 2 ** 31 - 7];
  t.deepEqual(decodeCounts(encodeCounts(runs)), runs);
});

test('a malformed RLE string says where it goes wrong', (t) => {
  t.throws(() => decodeCounts('0\u0020'), { message: /character 1/ });
  t.throws(() => decodeCounts('T'), { message: /ends inside a number/ });
  t.throws(() => decodeRle({ size: [4, 4], counts: '02' }), {
    message: /cover 2 pixels.*4x4 mask has 16/,
  });
});
