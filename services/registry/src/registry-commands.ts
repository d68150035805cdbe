// The API's commands: each becomes an event on the log (the read models follow when it comes back).
import { ConflictException, Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventPublisher, SERVICE_CONFIG } from '@ratchet/service-kit';
import { RegistryConfig } from './config';
import { ChampionModels } from './generation/champion-models';
import { generateIds } from '@ratchet/gpt';
import { ConfigureLineageBody, GenerateBody, RollbackBody } from './http/requests';
import { ReadModels } from './projection/read-models';
import { planRollback } from './promotion/rollback-plan';
import { RegistryQueries } from './queries/registry-queries';

export interface Accepted {
  eventId: string;
  type: string;
}

export interface Generated {
  lineage: string;
  checkpointId: string;
  prompt: string;
  text: string;
  tokens: number;
  temperature: number;
  topK: number;
  seed: number;
}

@Injectable()
export class RegistryCommands {
  constructor(
    private readonly readModels: ReadModels,
    private readonly publisher: EventPublisher,
    private readonly models: ChampionModels,
    @Inject(SERVICE_CONFIG) readonly config: RegistryConfig,
  ) {}

  get queries(): RegistryQueries {
    return new RegistryQueries(this.readModels.db);
  }

  async configure(lineage: string, body: ConfigureLineageBody): Promise<Accepted> {
    const event = this.publisher.originate('LineageConfigured', { lineage, ...body }, lineage, `config:${randomUUID()}`);
    await this.publisher.publish(event);
    return { eventId: event.id, type: event.type };
  }

  async rollback(lineage: string, body: RollbackBody): Promise<Accepted & { from: string; to: string }> {
    const row = await this.queries.lineageRow(lineage);
    if (!row) throw new NotFoundException(`unknown lineage ${lineage}`);
    const history = await this.queries.history(lineage);
    const plan = planRollback(row.championId, history.map((h) => h.checkpointId), body.to);
    if (!plan.ok) throw new ConflictException(plan.reason);
    const event = this.publisher.originate('ChampionRolledBack', { from: plan.from, to: body.to, by: body.by, reason: body.reason }, lineage, `rollback:${randomUUID()}`);
    await this.publisher.publish(event);
    return { eventId: event.id, type: event.type, from: plan.from, to: body.to };
  }

  async generate(lineage: string, body: GenerateBody): Promise<Generated> {
    const row = await this.queries.lineageRow(lineage);
    if (!row) throw new NotFoundException(`unknown lineage ${lineage}`);
    if (!row.championId) throw new ConflictException(`lineage ${lineage} has no champion yet`);
    const checkpoint = await this.queries.checkpointRow(lineage, row.championId);
    if (!checkpoint) throw new ConflictException(`the champion ${row.championId} has no saved checkpoint in this lineage`);
    const loaded = await this.models.get(lineage, checkpoint).catch((error: Error) => {
      throw new ServiceUnavailableException(`cannot load the champion ${checkpoint.checkpointId} from ${checkpoint.objectKey}: ${error.message}`);
    });
    // An empty prompt starts after a newline, as a document would.
    const prompt = loaded.tokenizer.encode(body.prompt);
    const ids = generateIds(loaded.model, prompt.length > 0 ? prompt : [10], body);
    const text = loaded.tokenizer.decode(ids);
    const tokens = ids.length;
    return { lineage, checkpointId: loaded.checkpointId, prompt: body.prompt, text, tokens, temperature: body.temperature, topK: body.topK, seed: body.seed };
  }
}
