// Dead letters on Kafka: the original record (key, value, headers) re-sent to the dead-letter
// topic with the reason and its origin in DEAD_LETTER_HEADERS, so a tool can inspect or replay it.
import { DEAD_LETTER_HEADERS, DecodeError, fromKafkaMessage } from '@ratchet/contracts';
import { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { DeadLetter } from '../port';

/** The consumer group that gave up on the record (not part of the shared header set). */
export const DEAD_LETTER_GROUP_HEADER = 'ratchet_consumer_group';

export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export function deadLetterMessage(origin: DeadLetterOrigin, group: string, reason: string, decodeError?: DecodeError): Message {
  const headers: IHeaders = {
    ...(origin.message.headers ?? {}),
    [DEAD_LETTER_HEADERS.reason]: reason,
    [DEAD_LETTER_HEADERS.sourceTopic]: origin.topic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(origin.partition),
    [DEAD_LETTER_HEADERS.sourceOffset]: origin.message.offset,
    [DEAD_LETTER_GROUP_HEADER]: group,
  };
  if (decodeError) {
    headers[DEAD_LETTER_HEADERS.code] = decodeError.code;
    headers[DEAD_LETTER_HEADERS.field] = decodeError.field;
  }
  return { key: origin.message.key, value: origin.message.value, headers };
}

export function headerText(message: KafkaMessage, name: string): string | null {
  const raw = message.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return null;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** Reads a record of the dead-letter topic back into the port's shape. */
export function toDeadLetter(message: KafkaMessage): DeadLetter {
  const decoded = fromKafkaMessage({ key: message.key, value: message.value, headers: message.headers });
  return {
    group: headerText(message, DEAD_LETTER_GROUP_HEADER) ?? '',
    reason: headerText(message, DEAD_LETTER_HEADERS.reason) ?? '',
    event: decoded.ok ? decoded.value : null,
    raw: decoded.ok ? null : (message.value?.toString('utf8') ?? null),
    partition: Number(headerText(message, DEAD_LETTER_HEADERS.sourcePartition) ?? -1),
    offset: Number(headerText(message, DEAD_LETTER_HEADERS.sourceOffset) ?? -1),
  };
}
