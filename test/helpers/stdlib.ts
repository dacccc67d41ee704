/** Shared pieces for stdlib tests: the wasm engine, fake contexts, tiny data. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../../stdlib/engine.js';
import type { StageContext, ProgressEvent } from '../../stdlib/types.js';
import type { Dataset } from '../../stdlib/data/dataset.js';
import { Rng } from '../../stdlib/tf/rng.js';

export async function wasm(): Promise<void> {
  await startEngine('wasm');
}

export function fakeContext(
  over: Partial<StageContext> = {},
): StageContext & { events: ProgressEvent[] } {
  const dir = mkdtempSync(join(tmpdir(), 'alignlab-test-'));
  const events: ProgressEvent[] = [];
  return {
    outDir: join(dir, 'out'),
    checkpointDir: join(dir, 'ckpt'),
    seed: 0,
    backend: 'wasm',
    instanceId: 'test',
    progress: (e) => events.push(e),
    log: () => {},
    signal: new AbortController().signal,
    events,
    ...over,
  };
}

/** Random 8x8 images with masks = pixel > 0.5, 3 classes. */
export function tinyDataset(n: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  const px = 64;
  const mk = (count: number) => {
    const images = Uint8Array.from({ length: count * px }, () => Math.floor(rng.next() * 256));
    return {
      images,
      labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
      masks: images.map((v) => (v > 127 ? 1 : 0)),
    };
  };
  return {
    meta: {
      format: 1,
      height: 8,
      width: 8,
      channels: 1,
      classNames: ['a', 'b', 'c'],
      source: 'test',
      counts: { train: n, test: n },
      emptyMasks: { train: 0, test: 0 },
    },
    splits: { train: mk(n), test: mk(n) },
  };
}
