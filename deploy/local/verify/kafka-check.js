// Smoke check of the local Kafka with the client the services use (kafkajs):
// create a topic, produce one keyed message with headers, consume it back in a consumer group,
// commit, then delete the topic. Exit 0 on success; prints what it did.
'use strict';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.argv[2] || process.env.RATCHET_KAFKA_BROKERS || '127.0.0.1:19092').split(',');
const topic = `ratchet-smoke-${Date.now()}-${process.pid}`;
const kafka = new Kafka({ clientId: 'ratchet-smoke', brokers, logLevel: logLevel.WARN });

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  if (!created) throw new Error(`topic ${topic} was not created`);

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = JSON.stringify({ hello: 'ratchet', at: new Date().toISOString() });
  await producer.send({ topic, messages: [{ key: 'lineage-1', value, headers: { ce_type: 'ratchet.Smoke.v1' } }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received = await withTimeout(
    new Promise((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => resolve(message),
        })
        .catch(reject);
    }),
    30000,
    'consuming the smoke message',
  );
  await consumer.disconnect();

  const got = received.value.toString();
  if (got !== value) throw new Error(`value mismatch: ${got} != ${value}`);
  if (received.key.toString() !== 'lineage-1') throw new Error('key mismatch');
  if (received.headers.ce_type.toString() !== 'ratchet.Smoke.v1') throw new Error('header mismatch');

  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  console.log(`kafka ok: created ${topic}, produced and consumed 1 message (key, value, headers match) via ${brokers.join(',')}`);
}

main().catch((err) => {
  console.error(`kafka check FAILED: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
