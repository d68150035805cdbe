// Creating and validating CloudEvents envelopes of the catalogue in events.ts.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DecodeError } from './errors';
import { AnyEvent, EVENT_SCHEMAS, EventDataOf, EventName, EventOf, eventType } from './events';
import { Result, err, ok } from './result';
import { fromZodError } from './zod-errors';

export interface EventOrigin {
  /** The producing service, e.g. `ratchet/trainer`. */
  source: string;
  /** The lineage. */
  subject: string;
  /** The batch id that started the chain. */
  correlationid: string;
  /** The id of the event that caused this one; null for a chain's first event. */
  causationid?: string | null;
  /** Defaults to a random UUID; pass a content-derived id to make re-emission idempotent. */
  id?: string;
  time?: Date;
}

export function createEvent<N extends EventName>(name: N, data: EventDataOf<N>, origin: EventOrigin): EventOf<N> {
  const parsed = EVENT_SCHEMAS[name][1].parse(data);
  return {
    id: origin.id ?? randomUUID(),
    source: origin.source,
    specversion: '1.0',
    type: eventType(name),
    subject: origin.subject,
    time: (origin.time ?? new Date()).toISOString(),
    correlationid: origin.correlationid,
    causationid: origin.causationid ?? null,
    name,
    data: parsed,
  } as unknown as EventOf<N>;
}

/** The origin of an event caused by `cause`: same lineage and correlation, causation = cause.id. */
export const causedBy = (cause: AnyEvent, source: string, id?: string): EventOrigin => ({
  source,
  subject: cause.subject,
  correlationid: cause.correlationid,
  causationid: cause.id,
  ...(id ? { id } : {}),
});

const Attributes = z.object({
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(200),
  specversion: z.literal('1.0'),
  type: z.string().min(1),
  subject: z.string().min(1).max(200),
  time: z.iso.datetime({ offset: true }),
  correlationid: z.string().min(1).max(200),
  causationid: z.string().min(1).max(200).nullable().default(null),
});

const TYPE_PATTERN = /^ratchet\.([A-Za-z]+)\.v(\d+)$/;

/** Resolves a `type` attribute to the event name and the schema of its version. */
export function resolveType(type: string): Result<{ name: EventName; schema: z.ZodType }, DecodeError> {
  const match = TYPE_PATTERN.exec(type);
  if (!match) return err(new DecodeError('unknown-type', 'type', `"${type}" is not a ratchet event type`));
  const [, name, version] = match as unknown as [string, string, string];
  if (!Object.hasOwn(EVENT_SCHEMAS, name)) return err(new DecodeError('unknown-type', 'type', `unknown event type "${name}"`));
  const versions = EVENT_SCHEMAS[name as EventName] as Record<string, z.ZodType>;
  const schema = versions[version];
  if (!schema) {
    const known = Object.keys(versions).map((v) => `v${v}`).join(', ');
    return err(new DecodeError('unsupported-version', 'type', `${name} v${version} is not supported (known: ${known})`));
  }
  return ok({ name: name as EventName, schema });
}

/** Validates attributes and data of an event given as plain values; never half-parses. */
export function validateEvent(attributes: unknown, data: unknown): Result<AnyEvent, DecodeError> {
  const attrs = Attributes.safeParse(attributes);
  if (!attrs.success) return err(fromZodError(attrs.error));
  const resolved = resolveType(attrs.data.type);
  if (!resolved.ok) return resolved;
  const payload = resolved.value.schema.safeParse(data);
  if (!payload.success) return err(fromZodError(payload.error, 'data'));
  return ok({ ...attrs.data, name: resolved.value.name, data: payload.data } as AnyEvent);
}

/** The dedup key of DESIGN.md: `source` + `id`. */
export const dedupKey = (event: Pick<AnyEvent, 'source' | 'id'>): string => `${event.source}\u0000${event.id}`;
