import {
  DecodeError,
  EVENT_NAMES,
  MAX_EVENT_BYTES,
  fromJsonLine,
  fromKafkaMessage,
  toJsonLine,
  toKafkaMessage,
} from '.';
import { sampleEvents } from './__fixtures__/sample-events';

const expectError = (result: { ok: boolean; error?: DecodeError }, code: string, field: string) => {
  expect(result.ok).toBe(false);
  expect(result.error).toBeInstanceOf(DecodeError);
  expect(result.error?.code).toBe(code);
  expect(result.error?.field).toBe(field);
  expect(result.error?.reason.length).toBeGreaterThan(0);
};

describe('event codecs', () => {
  it('has a sample of every event in the catalogue', () => {
    expect(sampleEvents().map((e) => e.name).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it.each(sampleEvents().map((e) => [e.name, e] as const))('round-trips %s through Kafka binary mode', (_n, event) => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe(event.subject);
    expect(message.headers['ce_type']).toBe(event.type);
    expect(message.headers['ce_specversion']).toBe('1.0');
    const decoded = fromKafkaMessage({ key: Buffer.from(message.key), value: Buffer.from(message.value), headers: message.headers });
    expect(decoded).toEqual({ ok: true, value: event });
  });

  it.each(sampleEvents().map((e) => [e.name, e] as const))('round-trips %s through JSON lines', (_n, event) => {
    const line = toJsonLine(event);
    expect(line).not.toContain('\n');
    expect(fromJsonLine(line)).toEqual({ ok: true, value: event });
  });

  const checkpoint = () => toKafkaMessage(sampleEvents()[4]!);

  it('refuses malformed JSON', () => {
    const m = checkpoint();
    expectError(fromKafkaMessage({ ...m, value: '{"checkpointId": ' }), 'malformed-json', 'value');
    expectError(fromJsonLine('{"id": "x",'), 'malformed-json', '');
  });

  it('refuses a missing field, naming it', () => {
    const m = checkpoint();
    const { manifestSha256: _drop, ...data } = JSON.parse(m.value);
    expectError(fromKafkaMessage({ ...m, value: JSON.stringify(data) }), 'missing-field', 'data.manifestSha256');
    const { ce_subject: _s, ...headers } = m.headers;
    expectError(fromKafkaMessage({ value: m.value, headers }), 'missing-field', 'ce_subject');
  });

  it('refuses a mistyped field, naming it', () => {
    const m = checkpoint();
    const data = { ...JSON.parse(m.value), steps: 'ten' };
    expectError(fromKafkaMessage({ ...m, value: JSON.stringify(data) }), 'invalid-field', 'data.steps');
    const line = JSON.parse(toJsonLine(sampleEvents()[4]!));
    expectError(fromJsonLine(JSON.stringify({ ...line, time: 'yesterday' })), 'invalid-field', 'time');
  });

  it('refuses a batch label with control characters, naming the field', () => {
    const m = toKafkaMessage(sampleEvents().find((e) => e.name === 'DataBatchArrived')!);
    const data = { ...JSON.parse(m.value), label: 'two\nlines' };
    expectError(fromKafkaMessage({ ...m, value: JSON.stringify(data) }), 'invalid-field', 'data.label');
  });

  it('refuses an unknown type and an unknown version', () => {
    const m = checkpoint();
    expectError(fromKafkaMessage({ ...m, headers: { ...m.headers, ce_type: 'ratchet.ModelExploded.v1' } }), 'unknown-type', 'ce_type');
    expectError(fromKafkaMessage({ ...m, headers: { ...m.headers, ce_type: 'com.other.Thing' } }), 'unknown-type', 'ce_type');
    // Names an object inherits are not event types either.
    expectError(fromKafkaMessage({ ...m, headers: { ...m.headers, ce_type: 'ratchet.constructor.v1' } }), 'unknown-type', 'ce_type');
    expectError(fromKafkaMessage({ ...m, headers: { ...m.headers, ce_type: 'ratchet.toString.v1' } }), 'unknown-type', 'ce_type');
    const v9 = fromKafkaMessage({ ...m, headers: { ...m.headers, ce_type: 'ratchet.CheckpointSaved.v9' } });
    expectError(v9, 'unsupported-version', 'ce_type');
    const line = JSON.parse(toJsonLine(sampleEvents()[4]!));
    expectError(fromJsonLine(JSON.stringify({ ...line, type: 'ratchet.CheckpointSaved.v2' })), 'unsupported-version', 'type');
    expect(v9.ok || v9.error.reason).toMatch(/known: v1/);
  });

  it('refuses an oversize event', () => {
    const m = checkpoint();
    const big = JSON.stringify({ ...JSON.parse(m.value), pad: 'x'.repeat(MAX_EVENT_BYTES) });
    expectError(fromKafkaMessage({ ...m, value: big }), 'oversize', 'value');
    expectError(fromJsonLine(big), 'oversize', '');
  });

  it('refuses non-UTF-8 bytes in the value and in headers', () => {
    const m = checkpoint();
    const bad = Buffer.concat([Buffer.from('{"checkpointId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expectError(fromKafkaMessage({ ...m, value: bad }), 'invalid-utf8', 'value');
    expectError(fromKafkaMessage({ ...m, headers: { ...m.headers, ce_source: Buffer.from([0xff, 0xfe]) } }), 'invalid-utf8', 'ce_source');
    expectError(fromJsonLine(bad), 'invalid-utf8', '');
  });

  it('refuses a key that disagrees with the subject and a message without value', () => {
    const m = checkpoint();
    expectError(fromKafkaMessage({ ...m, key: 'other-lineage' }), 'invalid-field', 'key');
    expectError(fromKafkaMessage({ ...m, value: null }), 'missing-field', 'value');
  });

  it('never throws on arbitrary garbage', () => {
    const garbage = ['', 'null', '[]', '42', '"text"', '{}', '{"data":null}', '\u0000'];
    for (const g of garbage) {
      expect(fromJsonLine(g).ok).toBe(false);
      expect(fromKafkaMessage({ value: g, headers: {} }).ok).toBe(false);
    }
  });
});
