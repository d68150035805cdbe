// A minio client for the local S3 server, configured from RATCHET_S3_* env vars.
'use strict';
const Minio = require('minio');

function s3Client() {
  const endpoint = new URL(process.env.RATCHET_S3_ENDPOINT || 'http://127.0.0.1:19000');
  return new Minio.Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
    useSSL: endpoint.protocol === 'https:',
    accessKey: process.env.RATCHET_S3_ACCESS_KEY || 'ratchet',
    secretKey: process.env.RATCHET_S3_SECRET_KEY || 'ratchet-secret',
    region: process.env.RATCHET_S3_REGION || 'us-east-1',
    // path-style: the gateway has no virtual-host domain configured
    pathStyle: true,
  });
}

module.exports = { s3Client };
