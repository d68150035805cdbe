import { DEAD_LETTER_HEADERS, DecodeError, toKafkaMessage } from '@ratchet/contracts';
import { KafkaMessage } from 'kafkajs';
import { sampleEvent } from '../testing';
import { deadLetterMessage, headerText, toDeadLetter } from './dead-letters';

/** What a consumer receives for a produced message. */
function received(message: { key?: string | null; value: string | null; headers?: Record<string, string> }, offset: string): KafkaMessage {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
  return {
    key: message.key ? Buffer.from(message.key) : null,
    value: message.value === null ? null : Buffer.from(message.value),
    headers,
    offset,
    timestamp: '0',
    attributes: 0,
  };
}

const asReceived = (m: ReturnType<typeof deadLetterMessage>, offset: string): KafkaMessage => ({
  key: m.key ? Buffer.from(m.key) : null,
  value: m.value ? Buffer.from(m.value) : null,
  headers: m.headers ?? {},
  offset,
  timestamp: '0',
  attributes: 0,
});

describe('dead letters on Kafka', () => {
  it('round-trips an event whose handler gave up, with group, reason and origin', () => {
    const event = sampleEvent('lin-a', 4);
    const original = received(toKafkaMessage(event), '17');
    const letter = deadLetterMessage({ topic: 'ratchet.events', partition: 1, message: original }, 'trainer', 'handler failed 5 times: boom');
    expect(headerText(asReceived(letter, '0'), DEAD_LETTER_HEADERS.sourceTopic)).toBe('ratchet.events');
    expect(toDeadLetter(asReceived(letter, '0'))).toEqual({ group: 'trainer', reason: 'handler failed 5 times: boom', event, raw: null, partition: 1, offset: 17 });
  });

  it('keeps an undecodable record as raw text with the decode error code and field', () => {
    const original = received({ key: 'lin-a', value: 'not json' }, '3');
    const error = new DecodeError('malformed-json', 'value', 'Unexpected token');
    const letter = deadLetterMessage({ topic: 't', partition: 0, message: original }, 'g', error.message, error);
    const back = asReceived(letter, '0');
    expect(headerText(back, DEAD_LETTER_HEADERS.code)).toBe('malformed-json');
    expect(headerText(back, DEAD_LETTER_HEADERS.field)).toBe('value');
    expect(toDeadLetter(back)).toMatchObject({ group: 'g', event: null, raw: 'not json', partition: 0, offset: 3 });
  });
});
