// Readiness probe for deploy/local/kafka.sh: one metadata request through kafkajs.
// Exit 0 when the cluster answers with at least one broker, 1 otherwise.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || '127.0.0.1:19092';
const kafka = new Kafka({
  clientId: 'ratchet-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 2000,
  retry: { retries: 0 },
});

(async () => {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    process.exit(cluster.brokers.length > 0 ? 0 : 1);
  } catch (err) {
    console.error(String(err && err.message));
    process.exit(1);
  }
})();
