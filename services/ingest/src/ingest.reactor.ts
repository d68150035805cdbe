// Ingest reacts to no event; subscribing keeps the kit's lineage projection (content hashes) current.
import { Inject, Injectable } from '@nestjs/common';
import { EventReactor, SERVICE_CONFIG } from '@ratchet/service-kit';
import { IngestConfig } from './config';

@Injectable()
export class IngestReactor implements EventReactor {
  /** Not `ingest`: that group reads the raw records topic. Prefixed like the topics, so tenants and tests stay apart. */
  readonly group: string;

  constructor(@Inject(SERVICE_CONFIG) config: IngestConfig) {
    this.group = `${config.RATCHET_KAFKA_TOPIC_PREFIX}ingest-events`;
  }

  async react(): Promise<void> {}
}
