/** Registers the built-in stage kinds. Import for its effect. */
import { registerStageKind, registry } from './registry.js';
import { fashionMnist } from './stages/fashion-mnist.js';
import { train } from './stages/train.js';
import { align } from './stages/align.js';
import { explainStage } from './stages/explain.js';
import { metricsStage } from './stages/metrics.js';
import { report } from './stages/report.js';
import { imageFolder } from './stages/image-folder.js';
import { csvManifest } from './stages/csv-manifest.js';
import { chexlocalize } from './stages/chexlocalize.js';
import { canvas } from './stages/canvas.js';
import { decoy } from './stages/decoy.js';
import { selectMask } from './stages/select-mask.js';
import { robustness } from './stages/robustness.js';

for (const k of [fashionMnist, train, align, explainStage, metricsStage, report, robustness]) {
  if (!registry.has(k.kind)) registerStageKind(k);
}
// Data sources and transforms (issue 6).
for (const k of [imageFolder, csvManifest, chexlocalize, canvas, decoy, selectMask]) {
  if (!registry.has(k.kind)) registerStageKind(k);
}

export { registry, registerStageKind };
