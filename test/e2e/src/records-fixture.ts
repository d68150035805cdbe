// What the external producer sends: three batches of valid records (short texts, so ingest never
// cuts them into chunks), each with invalid messages mixed in, each closed by a seal message.
import { IHeaders } from 'kafkajs';
import { SEAL_HEADER } from '@ratchet/contracts';

export interface OutgoingMessage {
  key: string;
  value: Buffer;
  headers?: IHeaders;
}

export interface InvalidCase {
  label: string;
  message: OutgoingMessage;
  /** What the dead letter must say (DEAD_LETTER_HEADERS.code / .field). */
  code: string;
  field: string;
}

export interface FixtureBatch {
  /** Texts of the valid records, in the order sent. */
  texts: string[];
  invalid: InvalidCase[];
  /** The messages of the valid records, in the order sent. */
  valid: OutgoingMessage[];
  /** Every message of the batch in the order sent, the seal message last. */
  messages: OutgoingMessage[];
}

/** Each batch talks about one topic, so the held-out sets differ and the R matrix means something. */
const TOPICS_OF_BATCHES = [
  {
    subject: 'the harbour',
    verbs: ['sails past', 'waits near', 'circles', 'drifts toward'],
    things: ['a red ferry', 'the old lighthouse', 'two fishing boats', 'a grey gull'],
  },
  {
    subject: 'the kitchen',
    verbs: ['smells of', 'is warm with', 'fills with', 'rings with'],
    things: ['fresh bread', 'onion soup', 'roasted garlic', 'lemon cake'],
  },
  {
    subject: 'the orchard',
    verbs: ['is heavy with', 'hums with', 'glows with', 'rustles with'],
    things: ['ripe apples', 'busy bees', 'late sunlight', 'dry leaves'],
  },
];

export const RECORDS_PER_BATCH = 16;

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

function validTexts(batch: number): string[] {
  const t = TOPICS_OF_BATCHES[batch]!;
  return Array.from({ length: RECORDS_PER_BATCH }, (_, i) => {
    const verb = t.verbs[i % t.verbs.length]!;
    const thing = t.things[Math.floor(i / t.verbs.length) % t.things.length]!;
    return `In ${t.subject}, morning ${i + 1}: it ${verb} ${thing}, and then it ${verb} ${thing} again.`;
  });
}

/** The invalid messages, spread over the batches (two or three per batch). */
function invalidCases(lineage: string, maxRecordBytes: number): InvalidCase[][] {
  const nonUtf8 = Buffer.concat([
    Buffer.from(`{"text":"broken bytes `, 'utf8'),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from(`","lineage":"${lineage}"}`, 'utf8'),
  ]);
  return [
    [
      {
        label: 'malformed JSON',
        message: { key: lineage, value: Buffer.from(`{"text": "an unterminated record`, 'utf8') },
        code: 'malformed-json',
        field: '',
      },
      {
        label: 'missing text',
        message: { key: lineage, value: json({ lineage, id: 'no-text' }) },
        code: 'missing-field',
        field: 'text',
      },
    ],
    [
      {
        label: 'text of the wrong type',
        message: { key: lineage, value: json({ text: 42, lineage }) },
        code: 'invalid-field',
        field: 'text',
      },
      {
        label: 'oversize record',
        message: { key: lineage, value: json({ text: 'x'.repeat(maxRecordBytes + 100), lineage }) },
        code: 'oversize',
        field: '',
      },
      {
        label: 'empty text',
        message: { key: lineage, value: json({ text: '', lineage }) },
        code: 'invalid-field',
        field: 'text',
      },
    ],
    [
      { label: 'invalid UTF-8', message: { key: lineage, value: nonUtf8 }, code: 'invalid-utf8', field: '' },
      {
        label: 'lineage disagrees with the key',
        message: {
          key: lineage,
          value: json({ text: 'I belong to another lineage.', lineage: 'some-other-lineage' }),
        },
        code: 'invalid-field',
        field: 'key',
      },
    ],
  ];
}

/**
 * Valid records come in the documented shapes: with and without `lineage` (the key supplies it),
 * some with id, domain and metadata. Invalid messages sit between them, and the seal message uses
 * the header form for odd batches and the JSON form for the middle one.
 */
export function buildFixture(lineage: string, maxRecordBytes: number): FixtureBatch[] {
  const invalid = invalidCases(lineage, maxRecordBytes);
  return [0, 1, 2].map((b) => {
    const texts = validTexts(b);
    const valid: OutgoingMessage[] = texts.map((text, i) => {
      const record =
        i % 3 === 0
          ? { text, lineage }
          : i % 3 === 1
            ? { text }
            : {
                text,
                lineage,
                id: `b${b}-r${i}`,
                domain: 'e2e',
                metadata: { batch: b, record: i, synthetic: true },
              };
      return { key: lineage, value: json(record) };
    });
    const messages = [...valid];
    // spread the invalid ones: after the 2nd, 6th, 10th valid record
    invalid[b]!.forEach((c, k) => messages.splice(2 + k * 5, 0, c.message));
    const seal: OutgoingMessage =
      b === 1
        ? { key: lineage, value: json({ seal: true, lineage }) }
        : { key: lineage, value: Buffer.alloc(0), headers: { [SEAL_HEADER]: lineage } };
    messages.push(seal);
    return { texts, invalid: invalid[b]!, valid, messages };
  });
}
