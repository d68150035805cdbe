import { Kafka } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';
import { eventTopicConfigs } from './kafka-event-log';

describe('Kafka settings Ratchet relies on', () => {
  it('makes idempotent producers with one request in flight and no topic auto-creation', () => {
    const connection = new KafkaConnection({ brokers: ['127.0.0.1:1'] });
    const producer = jest.spyOn(connection.kafka, 'producer').mockReturnValue({} as ReturnType<Kafka['producer']>);
    connection.producer();
    expect(producer).toHaveBeenCalledWith(expect.objectContaining({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }));
  });

  it('keeps event topics forever, uncompacted, and asks for two in-sync replicas once there are replicas', () => {
    expect(eventTopicConfigs(1)).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' });
    expect(eventTopicConfigs(3)).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1', 'min.insync.replicas': '2' });
  });

  it('refuses a connection without brokers', () => {
    expect(() => new KafkaConnection({ brokers: [] })).toThrow('Kafka needs at least one broker address');
  });
});
