// Smoke check of the local S3 server with the client the services use (minio):
// makeBucket, putObject, statObject, getObject, listObjectsV2, a multipart upload
// (> 5 MiB with partSize 5 MiB), removeObject, removeBucket. Exit 0 on success.
'use strict';
const crypto = require('node:crypto');
const { Readable } = require('node:stream');
const Minio = require('minio');

const endpoint = new URL(process.env.RATCHET_S3_ENDPOINT || 'http://127.0.0.1:19000');
const client = new Minio.Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: endpoint.protocol === 'https:',
  accessKey: process.env.RATCHET_S3_ACCESS_KEY || 'ratchet',
  secretKey: process.env.RATCHET_S3_SECRET_KEY || 'ratchet-secret',
  region: process.env.RATCHET_S3_REGION || 'us-east-1',
  pathStyle: true,
  partSize: 5 * 1024 * 1024,
});
const bucket = `ratchet-smoke-${Date.now()}`;

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function listV2(prefix) {
  return new Promise((resolve, reject) => {
    const names = [];
    client
      .listObjectsV2(bucket, prefix, true)
      .on('data', (o) => names.push(o.name))
      .on('error', reject)
      .on('end', () => resolve(names.sort()));
  });
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function main() {
  await client.makeBucket(bucket, process.env.RATCHET_S3_REGION || 'us-east-1');
  assert(await client.bucketExists(bucket), 'bucket missing after makeBucket');

  const small = Buffer.from(JSON.stringify({ hello: 'ratchet' }));
  await client.putObject(bucket, 'batches/b1/train.jsonl', small, small.length, {
    'Content-Type': 'application/json',
    'X-Amz-Meta-Sha256': crypto.createHash('sha256').update(small).digest('hex'),
  });
  const stat = await client.statObject(bucket, 'batches/b1/train.jsonl');
  assert(stat.size === small.length, `statObject size ${stat.size} != ${small.length}`);
  assert(stat.metaData.sha256 === crypto.createHash('sha256').update(small).digest('hex'), 'user metadata lost');
  const got = await readAll(await client.getObject(bucket, 'batches/b1/train.jsonl'));
  assert(got.equals(small), 'getObject returned different bytes');

  // 12 MiB + 3 bytes as a stream of 1 MiB chunks (like a file stream) with partSize 5 MiB: the client
  // uploads it in 3 parts. (minio 8.0.7 does not split a single chunk larger than partSize, and sends
  // a Buffer in one PUT, so a stream of small chunks is what makes it multipart.)
  const bigSize = 12 * 1024 * 1024 + 3;
  const big = crypto.randomBytes(bigSize);
  const chunks = [];
  for (let i = 0; i < bigSize; i += 1024 * 1024) chunks.push(big.subarray(i, i + 1024 * 1024));
  const put = await client.putObject(bucket, 'checkpoints/c1/weights.bin', Readable.from(chunks), bigSize);
  assert(/-3$/.test(put.etag), `expected a 3-part multipart etag, got ${put.etag}`);
  const bigStat = await client.statObject(bucket, 'checkpoints/c1/weights.bin');
  assert(bigStat.size === bigSize, `multipart size ${bigStat.size} != ${bigSize}`);
  const bigBack = await readAll(await client.getObject(bucket, 'checkpoints/c1/weights.bin'));
  assert(crypto.createHash('sha256').update(bigBack).digest('hex') === crypto.createHash('sha256').update(big).digest('hex'),
    'multipart object content differs');
  const ranged = await readAll(await client.getPartialObject(bucket, 'checkpoints/c1/weights.bin', 5 * 1024 * 1024, 16));
  assert(ranged.equals(big.subarray(5 * 1024 * 1024, 5 * 1024 * 1024 + 16)), 'range read differs');

  const all = await listV2('');
  assert(JSON.stringify(all) === JSON.stringify(['batches/b1/train.jsonl', 'checkpoints/c1/weights.bin']), `list: ${all}`);
  const onlyBatches = await listV2('batches/');
  assert(onlyBatches.length === 1, `prefix list: ${onlyBatches}`);

  await client.removeObject(bucket, 'batches/b1/train.jsonl');
  await client.removeObject(bucket, 'checkpoints/c1/weights.bin');
  let gone = false;
  try {
    await client.statObject(bucket, 'batches/b1/train.jsonl');
  } catch (err) {
    gone = err.code === 'NotFound' || err.code === 'NoSuchKey';
  }
  assert(gone, 'object still there after removeObject');
  assert((await listV2('')).length === 0, 'bucket not empty after removes');
  await client.removeBucket(bucket);
  console.log(`s3 ok: bucket ${bucket}: put/stat/get/list/remove, multipart ${bigSize} bytes (etag ${put.etag}), range read via ${endpoint.origin}`);
}

main().catch(async (err) => {
  console.error(`s3 check FAILED: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
