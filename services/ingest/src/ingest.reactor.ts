// Ingest reacts to no event; subscribing keeps the kit's lineage projection (content hashes) current.
import { Injectable } from '@nestjs/common';
import { EventReactor } from '@ratchet/service-kit';

@Injectable()
export class IngestReactor implements EventReactor {
  /** Not `ingest`: that group reads the raw records topic. (The kit adds the topic prefix.) */
  readonly group = 'ingest-events';

  async react(): Promise<void> {}
}
