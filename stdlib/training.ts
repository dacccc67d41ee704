/**
 * The training loop shared by `train` and `align`: seeded shuffling per
 * epoch, AdamW, divergence checks, progress, and checkpoints that make a
 * resumed run end with weights bit-identical to an uninterrupted one.
 */
import { open, readFile, rename, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageContext } from './types.js';
import type { Model } from './models/index.js';
import { type Dataset, type Batch, batchTensors, disposeBatch } from './data/dataset.js';
import { AdamW } from './tf/adamw.js';
import { Rng } from './tf/rng.js';
import { assignVariablesFromBytes, variablesSize, variablesToBytes } from './tf/variable-bytes.js';
import { faultPoint } from '../runtime/fault.js';

export interface FitOptions {
  model: Model;
  data: Dataset;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  clipNorm: number;
  seed: number;
  /** Save a checkpoint every this many steps (0: only when interrupted). */
  checkpointEvery: number;
  /** Scalars of one batch; `total` is minimised. Runs inside a gradient tape. */
  loss(batch: Batch): { total: tf.Scalar } & Record<string, tf.Scalar>;
}

export interface EpochRecord {
  epoch: number;
  [metric: string]: number;
}

/** Thrown when the user asked to stop and a checkpoint was written. */
export class Interrupted extends Error {
  constructor(where: string) {
    super(`interrupted at ${where}; a checkpoint was saved`);
    this.name = 'Interrupted';
  }
}

interface Position {
  epoch: number;
  /** Steps completed within the epoch. */
  step: number;
  optStep: number;
  history: EpochRecord[];
  /** Sums of per-step metrics over the current epoch so far. */
  sums: Record<string, number>;
}

/**
 * One file holds a whole checkpoint: "ALCK", a uint32 length, the position
 * as JSON, zero padding to a multiple of 4 bytes, then every state tensor as
 * little-endian float32. Being one file, it is replaced by a single rename:
 * a kill at any moment leaves the previous checkpoint or the new one, never
 * new weights beside an old position.
 */
const CKPT = 'checkpoint.bin';
const MAGIC = 'ALCK';

function stateTensors(model: Model, opt: AdamW): tf.Variable[] {
  return [...model.weights.map((w) => w.value), ...opt.m, ...opt.v];
}

async function saveCheckpoint(dir: string, pos: Position, model: Model, opt: AdamW) {
  await mkdir(dir, { recursive: true });
  const json = Buffer.from(JSON.stringify(pos));
  const header = Buffer.alloc(8 + json.length + ((4 - (json.length % 4)) % 4));
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(json.length, 4);
  json.copy(header, 8);
  const state = variablesToBytes(stateTensors(model, opt));
  const tmp = join(dir, `${CKPT}.tmp`);
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(Buffer.concat([header, state]));
    await file.sync();
  } finally {
    await file.close();
  }
  faultPoint('checkpoint-renaming');
  await rename(tmp, join(dir, CKPT));
}

async function loadCheckpoint(
  dir: string,
  model: Model,
  opt: AdamW,
): Promise<Position | undefined> {
  const path = join(dir, CKPT);
  if (!existsSync(path)) return undefined;
  const bytes = await readFile(path);
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) return undefined;
  const jsonLength = bytes.readUInt32LE(4);
  const dataStart = 8 + jsonLength + ((4 - (jsonLength % 4)) % 4);
  const vars = stateTensors(model, opt);
  if (bytes.length !== dataStart + 4 * variablesSize(vars)) return undefined;
  const pos = JSON.parse(bytes.toString('utf8', 8, 8 + jsonLength)) as Position;
  assignVariablesFromBytes(vars, bytes.subarray(dataStart));
  opt.step = pos.optStep;
  return pos;
}

export async function fit(ctx: StageContext, o: FitOptions): Promise<EpochRecord[]> {
  const n = o.data.meta.counts.train;
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  const total = stepsPerEpoch * o.epochs;
  const vars = o.model.weights.map((w) => w.value);
  const opt = new AdamW(vars, {
    lr: o.lr,
    weightDecay: o.weightDecay,
    clipNorm: o.clipNorm,
  });
  try {
    const resumed = await loadCheckpoint(ctx.checkpointDir, o.model, opt);
    const pos: Position = resumed ?? { epoch: 0, step: 0, optStep: 0, history: [], sums: {} };
    if (resumed) ctx.log(`resumed from checkpoint at epoch ${pos.epoch + 1}, step ${pos.step}`);
    let lastReport = 0;

    for (; pos.epoch < o.epochs; pos.epoch++, pos.step = 0, pos.sums = {}) {
      // The order of an epoch depends only on the seed and the epoch number,
      // so a resumed run continues with exactly the same batches.
      const order = Rng.derive(o.seed, `shuffle:${pos.epoch}`).permutation(n);
      for (; pos.step < stepsPerEpoch;) {
        const idx = order.slice(pos.step * o.batchSize, (pos.step + 1) * o.batchSize);
        const values = trainStep(o, opt, vars, idx);
        const where = `epoch ${pos.epoch + 1}, step ${pos.step + 1}`;
        for (const [k, v] of Object.entries(values)) {
          if (!Number.isFinite(v) || Math.abs(v) > 1e6) {
            throw new Error(`${ctx.instanceId}: ${k} diverged (${v}) at ${where}`);
          }
          pos.sums[k] = (pos.sums[k] ?? 0) + v;
        }
        pos.step += 1;
        pos.optStep = opt.step;
        const done = pos.epoch * stepsPerEpoch + pos.step;

        if (ctx.signal.aborted) {
          await saveCheckpoint(ctx.checkpointDir, pos, o.model, opt);
          throw new Interrupted(where);
        }
        if (o.checkpointEvery > 0 && done % o.checkpointEvery === 0 && done < total) {
          await saveCheckpoint(ctx.checkpointDir, pos, o.model, opt);
        }
        const now = Date.now();
        if (now - lastReport > 250 || done === total) {
          lastReport = now;
          // Report the mean over the epoch so far: a single step's loss jumps
          // from batch to batch and would differ between identical runs
          // depending on when the report happened to be sent.
          const means: Record<string, number> = {};
          for (const k of Object.keys(values)) means[k] = pos.sums[k] / pos.step;
          ctx.progress({
            step: done,
            total,
            phase: `epoch ${pos.epoch + 1}/${o.epochs} (epoch means)`,
            values: means,
          });
        }
        // Let IPC messages (a stop request) arrive between steps.
        await new Promise((r) => setImmediate(r));
      }
      const rec: EpochRecord = { epoch: pos.epoch + 1 };
      for (const [k, v] of Object.entries(pos.sums)) rec[k] = v / stepsPerEpoch;
      pos.history.push(rec);
      ctx.log(`epoch ${rec.epoch}: ${JSON.stringify(rec)}`);
    }
    return pos.history;
  } finally {
    opt.dispose();
  }
}

function trainStep(o: FitOptions, opt: AdamW, vars: tf.Variable[], idx: number[]) {
  const batch = batchTensors(o.data, 'train', idx);
  try {
    const out: Record<string, number> = {};
    tf.tidy(() => {
      // The gradient tape disposes everything the loss creates except its
      // result, so the reported parts are kept explicitly and freed below.
      let parts: tf.Scalar[] = [];
      let names: string[] = [];
      const { grads } = tf.variableGrads(() => {
        const scalars = o.loss(batch);
        names = Object.keys(scalars);
        parts = names.map((k) => tf.keep(scalars[k]));
        return scalars.total;
      }, vars);
      opt.apply(vars.map((v) => grads[v.name]));
      names.forEach((k, i) => (out[k] = parts[i].dataSync()[0]));
      for (const t of parts) if (!t.isDisposed) t.dispose();
    });
    return out;
  } finally {
    disposeBatch(batch);
  }
}
