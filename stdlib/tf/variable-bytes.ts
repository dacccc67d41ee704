/**
 * Variables as raw bytes and back: little-endian float32, concatenated in
 * the order given. Saved models and training checkpoints share the format.
 */
import * as tf from '@tensorflow/tfjs';

export function variablesToBytes(vars: readonly tf.Variable[]): Buffer {
  return Buffer.concat(
    vars.map((v) => {
      const d = v.dataSync() as Float32Array;
      return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    }),
  );
}

/** Number of float32 values all the variables hold together. */
export function variablesSize(vars: readonly tf.Variable[]): number {
  return vars.reduce((n, v) => n + v.size, 0);
}

/** Overwrite the variables from `bytes` (exactly variablesSize * 4 long). */
export function assignVariablesFromBytes(vars: readonly tf.Variable[], bytes: Uint8Array): void {
  const all = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  let at = 0;
  for (const v of vars) {
    const t = tf.tensor(all.subarray(at, at + v.size), v.shape);
    v.assign(t);
    t.dispose();
    at += v.size;
  }
}
