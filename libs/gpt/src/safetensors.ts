// The safetensors format (huggingface/safetensors), written by hand: 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian data.
import type { HostTensor, NamedArrays } from './model';

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const ALIGN = 8;

/** Encodes float32 tensors in the given order; metadata goes into `__metadata__` (strings only). */
export function encodeSafetensors(tensors: NamedArrays, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== expected) throw new SafetensorsError(`tensor ${name} has ${t.data.length} values for shape [${t.shape}]`);
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const jsonBytesLen = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((ALIGN - ((8 + jsonBytesLen) % ALIGN)) % ALIGN);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const base = 8 + headerBytes.length;
  let pos = base;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, pos += 4) view.setFloat32(pos, t.data[i]!, true);
  }
  return out;
}

/** Decodes a safetensors buffer with F32 tensors, checking that every offset lies inside the buffer. */
export function decodeSafetensors(bytes: Uint8Array): { tensors: NamedArrays; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsError(`safetensors buffer too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > bytes.length) throw new SafetensorsError(`safetensors header length ${headerLen} exceeds the file (${bytes.length} bytes)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLen).toString('utf8'));
  } catch (e) {
    throw new SafetensorsError(`safetensors header is not valid JSON: ${(e as Error).message}`);
  }
  const base = 8 + headerLen;
  const dataLen = bytes.length - base;
  const tensors: NamedArrays = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== 'F32') throw new SafetensorsError(`tensor ${name} has dtype ${e.dtype}; only F32 is supported`);
    const [start, end] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (!(start >= 0 && end <= dataLen && end - start === count * 4)) {
      throw new SafetensorsError(`tensor ${name} offsets [${start}, ${end}) do not fit shape [${e.shape}] in ${dataLen} data bytes`);
    }
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(base + start + 4 * i, true);
    tensors.set(name, { shape: [...e.shape], data } as HostTensor);
  }
  return { tensors, metadata };
}
