// Prints throughput and latency figures of S3ObjectStore against the configured server (RATCHET_S3_*).
// Run: cd libs/objectstore && node -r ../../tools/swc-register.js src/s3/s3-object-store.bench.ts
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { readAll } from '../hashing';
import { patternBytes } from '../testing';
import { s3OptionsFromEnv } from './s3-config';
import { S3ObjectStore } from './s3-object-store';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

function* chunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

async function main(): Promise<void> {
  const bucket = `ratchet-bench-${randomUUID().slice(0, 8)}`;
  const [store, openMs] = await timed(() => S3ObjectStore.open({ ...s3OptionsFromEnv(), bucket }));
  const small = patternBytes(1024, 1);
  const puts: number[] = [];
  const gets: number[] = [];
  for (let i = 0; i < 50; i++) puts.push((await timed(() => store.put(`small/${String(i).padStart(3, '0')}`, small)))[1]);
  for (let i = 0; i < 50; i++) gets.push((await timed(() => store.get(`small/${String(i).padStart(3, '0')}`)))[1]);
  const [listed, listMs] = await timed(() => store.list('small/'));

  const size = 64 * 1024 * 1024;
  const big = patternBytes(size, 2);
  const mib = size / (1024 * 1024);
  const [, bufferMs] = await timed(() => store.put('big/buffer', big));
  const [, streamMs] = await timed(() => store.put('big/stream', Readable.from(chunks(big, 1 << 20))));
  const [, getBigMs] = await timed(async () => readAll(await store.getStream('big/stream')));

  for (const info of await store.list('')) await store.delete(info.key);
  await store.client.removeBucket(bucket);

  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  const rate = (ms: number) => `${(mib / (ms / 1000)).toFixed(0)} MiB/s`;
  console.log(`open (create bucket)                       ${f(openMs)}`);
  console.log(`put 1 KiB, median of 50                    ${f(median(puts))}`);
  console.log(`get 1 KiB (verified), median of 50         ${f(median(gets))}`);
  console.log(`list ${listed.length} objects (list + HEAD each)         ${f(listMs)}`);
  console.log(`put ${mib} MiB buffer (multipart)             ${f(bufferMs)} (${rate(bufferMs)})`);
  console.log(`put ${mib} MiB stream (staged + copy)         ${f(streamMs)} (${rate(streamMs)})`);
  console.log(`get ${mib} MiB stream (verified)              ${f(getBigMs)} (${rate(getBigMs)})`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
