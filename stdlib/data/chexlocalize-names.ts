/**
 * CheXlocalize pathology names, in one place.
 *
 * The label CSVs (CheXpert's `val_labels.csv`, `test_labels.csv`) and the
 * segmentation files (`gt_segmentations_{val,test}.json`) name the same
 * findings slightly differently. Class names in alignlab datasets are the
 * CSV names; `SEGMENTATION_NAME` gives the key to look up in the JSON for
 * the ones that differ.
 */

/** The ten localised pathologies, as the label CSVs name them. */
export const CHEX_PATHOLOGIES = [
  'Enlarged Cardiomediastinum',
  'Cardiomegaly',
  'Lung Lesion',
  'Lung Opacity',
  'Edema',
  'Consolidation',
  'Atelectasis',
  'Pneumothorax',
  'Pleural Effusion',
  'Support Devices',
] as const;

/** CSV column name -> key in the segmentation JSON, where they differ. */
export const SEGMENTATION_NAME: Readonly<Record<string, string>> = {
  'Lung Opacity': 'Airspace Opacity',
};

export function segmentationName(csvName: string): string {
  return SEGMENTATION_NAME[csvName] ?? csvName;
}

/**
 * The image id the segmentation JSON uses for a CSV `Path`: the last three
 * path parts (patient, study, view file) without the extension, joined by
 * `_`, e.g. `CheXpert-v1.0/valid/patient64541/study1/view1_frontal.jpg` ->
 * `patient64541_study1_view1_frontal`.
 */
export function imageIdOf(path: string): string {
  const parts = path.split(/[\\/]/).filter((s) => s !== '');
  const last = parts.slice(-3);
  last[last.length - 1] = last[last.length - 1].replace(/\.[^.]*$/, '');
  return last.join('_');
}
