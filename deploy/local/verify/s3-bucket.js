// Creates the bucket given as argv[2] unless it exists (used by deploy/local/s3.sh start).
'use strict';
const { s3Client } = require('./s3-client');

(async () => {
  const bucket = process.argv[2] || 'ratchet';
  const client = s3Client();
  if (!(await client.bucketExists(bucket))) {
    await client.makeBucket(bucket, process.env.RATCHET_S3_REGION || 'us-east-1');
  }
})().catch((err) => {
  console.error(`bucket setup failed: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
