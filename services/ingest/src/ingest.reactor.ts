// Ingest reacts to no event; subscribing keeps the kit's lineage projection (content hashes) current.
import { Injectable } from '@nestjs/common';
import { EventReactor } from '@ratchet/service-kit';

@Injectable()
export class IngestReactor implements EventReactor {
  // not `ingest`: that consumer group reads the raw records topic
  readonly group = 'ingest-events';

  async react(): Promise<void> {}
}
