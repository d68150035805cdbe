// Reads the start of a body so small bodies can be hashed before anything is sent.
import { Readable } from 'node:stream';
import { ObjectBody } from '../port';
import { toReadable } from '../hashing';

export type SplitBody =
  /** The whole body, read into memory. */
  | { complete: true; bytes: Buffer }
  /** More than `limit` bytes: the chunks read so far followed by the rest, as one stream. */
  | { complete: false; stream: Readable };

const asBuffer = (chunk: unknown): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);

export async function splitBody(body: ObjectBody, limit: number): Promise<SplitBody> {
  if (typeof body === 'string') return { complete: true, bytes: Buffer.from(body, 'utf8') };
  if (body instanceof Uint8Array) return { complete: true, bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  const iterator = toReadable(body)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { complete: true, bytes: Buffer.concat(head, size) };
    const chunk = asBuffer(next.value);
    head.push(chunk);
    size += chunk.byteLength;
    if (size > limit) break;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield asBuffer(next.value);
    }
  }
  return { complete: false, stream: Readable.from(rest()) };
}
