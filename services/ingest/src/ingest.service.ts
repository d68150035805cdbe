// Turns records into a stored, split batch and its event: the one path HTTP, directory and Kafka share.
import { BadRequestException, Inject, Injectable, Logger, NotFoundException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { isAbsolute, relative, resolve } from 'node:path';
import { DataBatchArrived, RawRecord, batchLabelProblem, isValidLineage } from '@ratchet/contracts';
import { OBJECT_STORE, EventPublisher, LineageProjection, SERVICE_CONFIG } from '@ratchet/service-kit';
import { ObjectStore } from '@ratchet/objectstore';
import { IngestConfig, recordLimits } from './config';
import { IngestMetrics } from './ingest-metrics';
import { batchIdOf, contentSha256, encodeSplit, rejectedBatchIdOf, rejectedKey, splitKeys } from './batch/batch-content';
import { readDirectoryBatches } from './batch/directory-batches';
import { ParsedUpload, PositionedRecord, parseJsonLines, parsePlainText } from './batch/parse-upload';
import { BATCH_TOO_SMALL, Rejection } from './batch/rejection';
import { MIN_BATCH_RECORDS, splitBatch } from './batch/split-batch';

export type IngestSource = 'http' | 'directory' | 'kafka';

export interface IngestRequest {
  lineage: string;
  records: PositionedRecord[];
  /** Records already refused while parsing; they are reported and counted, the rest goes on. */
  rejected: Rejection[];
  source: IngestSource;
  /** What was sent, so that a batch nothing valid is left of gets an id that a retry reproduces. */
  sent: string | Uint8Array;
  /** The original text at a position, kept with the reasons when the whole batch is rejected. */
  rawAt?: (position: number) => string | undefined;
  /** Where rejected records went when the caller put them somewhere (the dead-letter topic); else an object is written. */
  rejectedTo?: string;
  /**
   * What people call the batch (the folder, the upload's `label`, the seal message's), already
   * valid (BatchLabelSchema). Only a display name: the batch id and duplicate detection ignore it.
   */
  label?: string;
}

export type SplitInfo = DataBatchArrived['train'];

export type IngestOutcome =
  | {
      status: 'accepted';
      batchId: string;
      eventId: string;
      records: number;
      bytes: number;
      contentSha256: string;
      train: SplitInfo;
      heldOut: SplitInfo;
      rejected: Rejection[];
      rejectedTo?: string;
      label?: string;
    }
  | { status: 'duplicate'; duplicateOf: string; rejected: Rejection[] }
  | { status: 'rejected'; batchId: string; eventId: string; rejected: Rejection[]; rejectedTo: string; label?: string };

export interface DirectoryOutcome {
  folder: string;
  outcome: IngestOutcome;
}

const JSONL_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines'];

@Injectable()
export class IngestService {
  private readonly logger = new Logger('ingest');
  /** One batch at a time per lineage, so that a duplicate is recognised even when sent twice at once. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: IngestConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly publisher: EventPublisher,
    private readonly projection: LineageProjection,
    private readonly metrics: IngestMetrics,
  ) {}

  /** An HTTP upload: JSON lines or plain text, as named by its content type; `label` names the batch for people (400 when invalid). */
  async ingestUpload(lineage: string, body: string | Uint8Array, contentType: string | undefined, label?: string): Promise<IngestOutcome> {
    assertLineage(lineage);
    if (label !== undefined) {
      const problem = batchLabelProblem(label);
      if (problem) throw new BadRequestException(problem);
    }
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const limits = recordLimits(this.config);
    if (bytes.byteLength > limits.maxBatchBytes) {
      throw new PayloadTooLargeException(`batch is ${bytes.byteLength} bytes, the limit is ${limits.maxBatchBytes}`);
    }
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    let parsed: ParsedUpload;
    let rawAt: ((position: number) => string | undefined) | undefined;
    if (JSONL_TYPES.includes(type)) {
      parsed = parseJsonLines(bytes, lineage, limits);
      const lines = Buffer.from(bytes).toString('utf8').split('\n');
      rawAt = (position) => lines[position - 1]?.replace(/\r$/, '');
    } else if (type === 'text/plain') {
      parsed = parsePlainText(Buffer.from(bytes).toString('utf8'), lineage, limits, this.config.RATCHET_INGEST_CHUNK_CHARS);
    } else {
      throw new UnsupportedMediaTypeException(`send application/x-ndjson (one JSON record per line) or text/plain, not "${type || 'nothing'}"`);
    }
    if (parsed.records.length === 0 && parsed.rejected.length === 0) throw new BadRequestException('the batch is empty');
    return this.ingest({ lineage, ...parsed, source: 'http', sent: bytes, ...(rawAt ? { rawAt } : {}), ...(label !== undefined ? { label } : {}) });
  }

  /** Every sub-folder of `dir` (in name order) as one batch, labelled by the sub-folder's name; see readDirectoryBatches for the layout. */
  async ingestDirectory(dir: string, lineage: string): Promise<DirectoryOutcome[]> {
    assertLineage(lineage);
    const path = this.allowedPath(dir);
    const batches = await readDirectoryBatches(path, lineage, recordLimits(this.config), this.config.RATCHET_INGEST_CHUNK_CHARS).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new NotFoundException(`no folder ${path}`);
      if (error instanceof Error && /no batch sub-folders/.test(error.message)) throw new BadRequestException(error.message);
      throw error;
    });
    const out: DirectoryOutcome[] = [];
    for (const batch of batches) {
      const sent = batch.records.map((r) => r.record.text).join('\u0000');
      const label = batch.label !== undefined ? { label: batch.label } : {};
      out.push({ folder: batch.folder, outcome: await this.ingest({ lineage, records: batch.records, rejected: batch.rejected, source: 'directory', sent, ...label }) });
    }
    return out;
  }

  /** Records that were validated already: split, store, emit (or recognise a duplicate, or reject). */
  ingest(request: IngestRequest): Promise<IngestOutcome> {
    const previous = this.queues.get(request.lineage) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.ingestNow(request));
    this.queues.set(request.lineage, next);
    void next.finally(() => {
      if (this.queues.get(request.lineage) === next) this.queues.delete(request.lineage);
    }).catch(() => undefined);
    return next;
  }

  private async ingestNow(request: IngestRequest): Promise<IngestOutcome> {
    const { lineage, source } = request;
    const label = request.label !== undefined ? { label: request.label } : {};
    const rejected = [...request.rejected];
    for (const r of request.rejected) this.metrics.recordsRejected.inc({ source, code: r.code });
    if (request.records.length < MIN_BATCH_RECORDS) {
      for (const { position } of request.records) {
        rejected.push({ position, field: '', code: BATCH_TOO_SMALL, reason: `a batch needs at least ${MIN_BATCH_RECORDS} valid records (one to train on, one held out)` });
        this.metrics.recordsRejected.inc({ source, code: BATCH_TOO_SMALL });
      }
      return this.reject(request, rejected.sort((a, b) => a.position - b.position));
    }

    const records: RawRecord[] = request.records.map((r) => r.record);
    const contentHash = contentSha256(lineage, records);
    const batchId = batchIdOf(contentHash);
    const known = this.projection.get(lineage).contentHashes[contentHash];
    if (known) {
      // a label sent with known content names nothing new: the first arrival's label stays
      this.metrics.batches.inc({ source, outcome: 'duplicate' });
      return { status: 'duplicate', duplicateOf: known, rejected };
    }

    const split = splitBatch(records, { fraction: this.config.RATCHET_HELD_OUT_FRACTION, salt: lineage });
    const keys = splitKeys(lineage, batchId);
    const train = await this.putSplit(keys.train, split.train);
    const heldOut = await this.putSplit(keys.heldOut, split.heldOut);
    const rejectedTo = rejected.length > 0 ? await this.keepRejected(request, rejected, batchId) : undefined;
    const data: DataBatchArrived = {
      batchId,
      lineage,
      records: records.length,
      bytes: train.bytes + heldOut.bytes,
      rejected: rejected.length,
      contentSha256: contentHash,
      train,
      heldOut,
      source,
      ...(rejectedTo ? { rejectedTo } : {}),
      ...label,
    };
    // the id derives from the batch, so a retried upload (or a Kafka replay) is deduplicated by the log too
    const event = this.publisher.originate('DataBatchArrived', data, lineage, batchId, `data-batch-arrived:${batchId}`);
    await this.publisher.publish(event);
    this.projection.apply(event);
    this.metrics.recordsAccepted.inc({ source }, records.length);
    this.metrics.bytes.inc({ source }, data.bytes);
    this.metrics.batches.inc({ source, outcome: 'arrived' });
    this.logger.log({ msg: 'batch arrived', lineage, batchId, source, records: records.length, rejected: rejected.length, moved: split.moved, ...label });
    return { status: 'accepted', batchId, eventId: event.id, records: data.records, bytes: data.bytes, contentSha256: contentHash, train, heldOut, rejected, ...(rejectedTo ? { rejectedTo } : {}), ...label };
  }

  private async putSplit(key: string, records: readonly RawRecord[]): Promise<SplitInfo> {
    const encoded = encodeSplit(records);
    await this.store.put(key, encoded.body, {
      contentType: 'application/x-ndjson',
      expectedSha256: encoded.sha256,
      metadata: { records: String(encoded.records) },
    });
    return { key, sha256: encoded.sha256, records: encoded.records, bytes: encoded.body.byteLength };
  }

  private async reject(request: IngestRequest, rejected: Rejection[]): Promise<IngestOutcome> {
    const { lineage, source } = request;
    const batchId = rejectedBatchIdOf(lineage, request.sent);
    const rejectedTo = await this.keepRejected(request, rejected, batchId);
    const reasons = rejected.map(({ position, field, code, reason }) => ({ position, field, reason: `${code}: ${reason}` }));
    const label = request.label !== undefined ? { label: request.label } : {};
    const event = this.publisher.originate('BatchRejected', { batchId, lineage, reasons, rejectedTo, ...label }, lineage, batchId, `batch-rejected:${batchId}`);
    await this.publisher.publish(event);
    this.metrics.batches.inc({ source, outcome: 'rejected' });
    this.logger.warn({ msg: 'batch rejected', lineage, batchId, source, rejected: rejected.length, rejectedTo, ...label });
    return { status: 'rejected', batchId, eventId: event.id, rejected, rejectedTo, ...label };
  }

  /** Where the rejected records are kept with their reasons: the caller's place (the dead-letter topic), else an object. */
  private async keepRejected(request: IngestRequest, rejected: Rejection[], batchId: string): Promise<string> {
    if (request.rejectedTo) return request.rejectedTo;
    const key = rejectedKey(request.lineage, batchId);
    const lines = rejected.map((r) => JSON.stringify({ ...r, raw: request.rawAt?.(r.position) ?? null }));
    await this.store.put(key, `${lines.join('\n')}\n`, { contentType: 'application/x-ndjson' });
    return key;
  }

  private allowedPath(dir: string): string {
    const root = this.config.RATCHET_INGEST_DIR_ROOT;
    const path = resolve(root ?? '.', dir);
    if (root) {
      const rel = relative(resolve(root), path);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new BadRequestException(`${dir} is outside RATCHET_INGEST_DIR_ROOT`);
    }
    return path;
  }
}

function assertLineage(lineage: string): void {
  if (!isValidLineage(lineage)) throw new BadRequestException(`lineage "${lineage}" must match ^[a-z0-9][a-z0-9._-]{0,62}$`);
}
