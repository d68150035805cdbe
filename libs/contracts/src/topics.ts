/** Kafka topics (and embedded log names). Events are keyed by lineage on `events`. */
export const TOPICS = {
  events: 'ratchet.events',
  records: 'ratchet.records',
  recordsDeadLetter: 'ratchet.records.dlq',
  eventsDeadLetter: 'ratchet.events.dlq',
} as const;

/** Headers set on a dead-lettered message. */
export const DEAD_LETTER_HEADERS = {
  reason: 'ratchet_error_reason',
  field: 'ratchet_error_field',
  code: 'ratchet_error_code',
  sourceTopic: 'ratchet_source_topic',
  sourcePartition: 'ratchet_source_partition',
  sourceOffset: 'ratchet_source_offset',
} as const;

/** A record with this header (or `{"seal": true, "lineage": ...}` as value) seals the open batch. */
export const SEAL_HEADER = 'ratchet_seal';
