/**
 * Reading the IDX format of (Fashion-)MNIST, optionally gzip-compressed:
 * a big-endian magic (0x0000, type byte 0x08 = uint8, number of dimensions),
 * one big-endian uint32 per dimension, then the data.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  if (bytes.length < 4) throw new Error(`${what}: too short to be an IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = (magic >> 8) & 0xff;
  const ndim = magic & 0xff;
  if (magic >>> 16 !== 0 || type !== 0x08 || ndim < 1 || ndim > 4) {
    throw new Error(`${what}: not an unsigned-byte IDX file (magic 0x${magic.toString(16)})`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i));
  const start = 4 + 4 * ndim;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - start < size) {
    throw new Error(
      `${what}: truncated: header announces ${size} bytes of data, file has ${bytes.length - start}`,
    );
  }
  return { dims, data: bytes.subarray(start, start + size) };
}

export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array = await readFile(path);
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      throw new Error(`${path}: cannot decompress (${(cause as Error).message})`, { cause });
    }
  }
  return parseIdx(bytes, path);
}
