/** Parameters shared by the stages that run the training loop. */
import type { ParamSpec } from '../types.js';

export const FIT_PARAMS: Record<string, ParamSpec> = {
  data: {
    type: 'artifact',
    artifact: 'dataset',
    required: true,
    doc: 'dataset artifact of a data stage',
  },
  epochs: { type: 'integer', min: 1, default: 10, doc: 'passes over the training split' },
  batch_size: { type: 'integer', min: 1, default: 32, doc: 'images per step' },
  lr: { type: 'number', min: 0, default: 0.001, doc: 'AdamW learning rate' },
  weight_decay: { type: 'number', min: 0, default: 0, doc: 'AdamW decoupled weight decay' },
  clip_norm: {
    type: 'number',
    min: 0,
    default: 0,
    doc: 'clip the global gradient norm to this value (0: no clipping)',
  },
  checkpoint_every: {
    type: 'integer',
    min: 0,
    default: 50,
    doc: 'save a resumable checkpoint every this many steps (0: only on interrupt)',
    resultNeutral: true,
  },
};

export function fitSettings(p: Record<string, unknown>) {
  return {
    epochs: p.epochs as number,
    batchSize: p.batch_size as number,
    lr: p.lr as number,
    weightDecay: p.weight_decay as number,
    clipNorm: p.clip_norm as number,
    checkpointEvery: p.checkpoint_every as number,
  };
}
