/** A small stage registry for the language tests; stages do nothing. */
import type { OutputSpec, ParamSpec, StageKind } from '../stdlib/types.js';

function kind(
  name: string,
  params: Record<string, ParamSpec>,
  outputs: Record<string, OutputSpec>,
): StageKind {
  return {
    kind: name,
    version: 1,
    doc: `test stage ${name}`,
    params,
    outputs,
    usesEngine: false,
    run: async () => ({}),
  };
}

export const testRegistry: ReadonlyMap<string, StageKind> = new Map(
  [
    kind(
      'fashion-mnist',
      {
        source: {
          type: 'string',
          doc: 'where the images come from',
          enum: ['sample', 'full'],
          default: 'sample',
        },
      },
      { dataset: { type: 'artifact', artifact: 'dataset', doc: 'images and masks' } },
    ),
    kind(
      'train',
      {
        data: { type: 'artifact', artifact: 'dataset', doc: 'training data', required: true },
        epochs: { type: 'integer', doc: 'passes over the data', default: 5, min: 1, max: 1000 },
        lr: { type: 'number', doc: 'learning rate', default: 0.01, min: 0 },
        tags: { type: 'list', doc: 'free labels', default: [] },
      },
      {
        model: { type: 'artifact', artifact: 'model', doc: 'trained model' },
        accuracy: { type: 'json', doc: 'test accuracy' },
      },
    ),
    kind(
      'align',
      {
        model: { type: 'artifact', artifact: 'model', doc: 'model to fine-tune', required: true },
        target: { type: 'string', doc: 'mask to align to', required: true },
        lambda: { type: 'number', doc: 'weight of the location loss', default: 1 },
        baseline: { type: 'value', doc: 'a score to compare against' },
        name: { type: 'string', doc: 'label' },
        options: { type: 'map', doc: 'extra options', default: {} },
      },
      {
        model: { type: 'artifact', artifact: 'model', doc: 'aligned model' },
        score: { type: 'json', doc: 'alignment score' },
      },
    ),
    kind(
      'report',
      {
        aligned: { type: 'any', doc: 'models to report on', required: true },
        scores: { type: 'list', doc: 'scores to tabulate' },
        title: { type: 'string', doc: 'report title', default: 'Report' },
      },
      { report: { type: 'artifact', artifact: 'report', doc: 'the report folder' } },
    ),
    kind(
      'bundle',
      {
        models: { type: 'list', artifact: 'model', doc: 'models to pack' },
        datasets: { type: 'artifact', artifact: 'dataset', doc: 'datasets to pack' },
        extra: { type: 'artifact', doc: 'anything else (untagged)' },
      },
      { bundle: { type: 'artifact', doc: 'the packed folder (untagged)' } },
    ),
  ].map((k) => [k.kind, k]),
);
