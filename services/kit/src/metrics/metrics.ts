import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SERVICE_NAME } from '../runtime/tokens';

/** One Prometheus registry per service (so four services can share a process), labelled by service. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly eventsHandled: Counter<'type' | 'outcome'>;
  readonly handleSeconds: Histogram<'type'>;

  constructor(@Inject(SERVICE_NAME) readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'ratchet_' });
    this.eventsHandled = this.counter('ratchet_events_handled_total', 'Events handled by this service', ['type', 'outcome']);
    this.handleSeconds = this.histogram('ratchet_event_handle_seconds', 'Time to handle one event', ['type'], [0.001, 0.01, 0.1, 1, 10, 60, 600]);
  }

  counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: L[] = [], buckets?: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) });
  }
}
