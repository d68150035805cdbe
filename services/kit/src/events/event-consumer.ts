import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { EventLog, Subscription } from '@ratchet/eventlog';
import { Readiness } from '../health/readiness';
import { Metrics } from '../metrics/metrics';
import { BaseConfig } from '../config/env';
import { EVENT_LOG, SERVICE_CONFIG } from '../runtime/tokens';
import { EVENT_REACTOR, EventReactor } from './event-reactor';
import { LineageProjection } from './lineage-projection';

/** Replays the log into the projection, then feeds new events to the service's reactor. */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('events');
  private subscription: Subscription | null = null;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(EVENT_REACTOR) private readonly reactor: EventReactor,
    private readonly projection: LineageProjection,
    private readonly metrics: Metrics,
    readiness: Readiness,
    @Inject(SERVICE_CONFIG) private readonly config: BaseConfig,
  ) {
    readiness.register('event-log', () => this.subscription !== null);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projection.rebuild();
    // Groups carry the topic prefix like the topics do: Kafka's assignor ignores what each member
    // subscribed to, so two deployments sharing a group name would steal each other's partitions.
    const group = `${this.config.RATCHET_KAFKA_TOPIC_PREFIX}${this.reactor.group}`;
    const onError = (error: unknown, stored: { event: { id: string; type: string } } | null, attempt: number) => {
      if (stored) this.logger.warn({ msg: 'handler attempt failed', id: stored.event.id, type: stored.event.type, attempt, error: String(error) });
      else {
        this.logger.error({ msg: 'subscription stopped by an error', group, error: String(error) });
        this.subscription = null; // not ready any more: the orchestrator restarts the service
      }
    };
    this.subscription = await this.log.subscribe(group, async ({ event }) => {
      const timer = this.metrics.handleSeconds.startTimer({ type: event.name });
      try {
        this.projection.apply(event);
        await this.reactor.react(event);
        this.metrics.eventsHandled.inc({ type: event.name, outcome: 'ok' });
      } catch (error) {
        this.metrics.eventsHandled.inc({ type: event.name, outcome: 'error' });
        this.logger.error({ msg: 'handler failed', type: event.type, id: event.id, error: String(error) });
        throw error;
      } finally {
        timer();
      }
    }, { onError });
    await this.reactor.resume?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }
}
