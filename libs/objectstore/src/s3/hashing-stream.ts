// A pass-through that hashes and counts what flows through it (for uploads of unknown size).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export function hashingStream(source: Readable): { stream: Readable; result(): { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | null = null;
  async function* pass(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      hash.update(bytes);
      size += bytes.byteLength;
      yield bytes;
    }
  }
  return {
    stream: Readable.from(pass()),
    result() {
      digest ??= hash.digest('hex');
      return { sha256: digest, size };
    },
  };
}
