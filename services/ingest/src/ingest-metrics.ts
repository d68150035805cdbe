// The ingest service's Prometheus series, registered on the kit's per-service registry.
import { Injectable } from '@nestjs/common';
import { Metrics } from '@ratchet/service-kit';
import { Counter, Gauge } from 'prom-client';

@Injectable()
export class IngestMetrics {
  readonly recordsAccepted: Counter<'source'>;
  readonly recordsRejected: Counter<'source' | 'code'>;
  readonly batches: Counter<'source' | 'outcome'>;
  readonly batchesSealed: Counter<'reason'>;
  readonly bytes: Counter<'source'>;
  readonly deadLettered: Counter<'code'>;
  readonly buffered: Gauge<'lineage'>;

  constructor(metrics: Metrics) {
    this.recordsAccepted = metrics.counter('ratchet_ingest_records_accepted_total', 'Records accepted into a batch', ['source']);
    this.recordsRejected = metrics.counter('ratchet_ingest_records_rejected_total', 'Records refused, by error code', ['source', 'code']);
    this.batches = metrics.counter('ratchet_ingest_batches_total', 'Batches by outcome (arrived, duplicate, rejected)', ['source', 'outcome']);
    this.batchesSealed = metrics.counter('ratchet_ingest_batches_sealed_total', 'Kafka batches sealed, by what sealed them', ['reason']);
    this.bytes = metrics.counter('ratchet_ingest_bytes_total', 'Bytes of accepted batches as stored (both splits)', ['source']);
    this.deadLettered = metrics.counter('ratchet_ingest_dead_lettered_total', 'Kafka records sent to the dead-letter topic', ['code']);
    this.buffered = metrics.gauge('ratchet_ingest_records_buffered', 'Kafka records read into a batch not sealed yet (uncommitted: read again after a restart or rebalance)', ['lineage']);
  }
}
