/**
 * Gradients that every backend can differentiate again.
 *
 * The wasm backend has no Conv2DBackpropFilter kernel, and its
 * Conv2DBackpropInput is much slower than the same sum written as a conv2d.
 * For stride-1, dilation-1 convolutions (all our models use; downsampling is
 * a space-to-depth reshape followed by a 1x1 convolution) both gradients are
 * themselves stride-1 convolutions:
 *
 *   dx = conv2d(pad(dy), W reversed spatially with in/out channels swapped)
 *   dW = conv2d(x^T, dy^T), treating the batch as the channel axis
 *
 * Because they are ordinary conv2d calls, their own gradients come from this
 * same function, so gradients of any order work on every backend.
 * Other convolutions keep the gradient tfjs ships with.
 */
import * as tf from '@tensorflow/tfjs';

type Pads = { top: number; bottom: number; left: number; right: number };

/** Padding tfjs applies for a stride-1 convolution (same: extra at the end). */
function stride1Pads(pad: unknown, kh: number, kw: number): Pads | undefined {
  if (pad === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  if (pad === 'same') {
    const top = Math.floor((kh - 1) / 2);
    const left = Math.floor((kw - 1) / 2);
    return { top, bottom: kh - 1 - top, left, right: kw - 1 - left };
  }
  if (typeof pad === 'number') return { top: pad, bottom: pad, left: pad, right: pad };
  return undefined;
}

function isOne(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'number') return v === 1;
  return Array.isArray(v) && v.every((e) => e === 1);
}

function conv2dInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, p: Pads): tf.Tensor4D {
  const [kh, kw] = w.shape;
  const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const padded = tf.pad(dy, [
    [0, 0],
    [kh - 1 - p.top, kh - 1 - p.bottom],
    [kw - 1 - p.left, kw - 1 - p.right],
    [0, 0],
  ]);
  return tf.conv2d(padded, flipped, 1, 'valid');
}

function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, p: Pads): tf.Tensor4D {
  const padded = tf.pad(x, [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ]);
  // [Ci, Hp, Wp, B] convolved with [OH, OW, B, Co] gives [Ci, KH, KW, Co].
  const xt = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
  const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(xt, dyt, 1, 'valid'), [1, 2, 0, 3]);
}

let installed = false;

/** Replace the Conv2D gradient; idempotent. Called by startEngine. */
export function installGradients(): void {
  if (installed) return;
  installed = true;
  const original = tf.getGradient('Conv2D');
  const config: tf.GradConfig = {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, w] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as {
        strides: unknown;
        pad: unknown;
        dilations: unknown;
        dataFormat: string;
        dimRoundingMode?: string;
      };
      const pads = stride1Pads(a.pad, w.shape[0], w.shape[1]);
      const simple =
        isOne(a.strides) && isOne(a.dilations) && a.dataFormat === 'NHWC' && pads !== undefined;
      if (!simple) return original!.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor4D;
      return {
        x: () => conv2dInputGrad(g, w, pads!),
        filter: () => conv2dFilterGrad(x, g, pads!),
      };
    },
  };
  // tfjs warns when a gradient is replaced; the replacement is deliberate.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient(config);
  } finally {
    console.warn = warn;
  }
}
