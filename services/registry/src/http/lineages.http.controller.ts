import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadModels } from '../projection/read-models';
import { RegistryQueries } from '../queries/registry-queries';
import { CheckpointView, LineageDetail, LineageSummary } from '../queries/views';
import { ChampionChangeView } from '../report/lineage-report';
import { RetentionMatrix } from '../report/retention-matrix';
import { Accepted, RegistryCommands } from '../registry-commands';
import { ConfigureLineageBody, LineageName, RollbackBody } from './requests';
import { ZodValidationPipe, openApiSchema } from './zod-validation.pipe';

const lineageParam = new ZodValidationPipe(LineageName, 'lineage');

@ApiTags('lineages')
@Controller('lineages')
export class LineagesHttpController {
  constructor(
    private readonly readModels: ReadModels,
    private readonly commands: RegistryCommands,
  ) {}

  private get queries(): RegistryQueries {
    return new RegistryQueries(this.readModels.db);
  }

  private async known(lineage: string): Promise<LineageDetail> {
    const detail = await this.queries.lineage(lineage);
    if (!detail) throw new NotFoundException(`unknown lineage ${lineage}`);
    return detail;
  }

  @Get()
  @ApiOperation({ summary: 'Every lineage with its champion and counts' })
  lineages(): Promise<LineageSummary[]> {
    return this.queries.lineages();
  }

  @Get(':lineage')
  @ApiOperation({ summary: "A lineage's config, champion, counts and batches" })
  @ApiNotFoundResponse({ description: 'unknown lineage' })
  lineage(@Param('lineage', lineageParam) lineage: string): Promise<LineageDetail> {
    return this.known(lineage);
  }

  @Put(':lineage/config')
  @HttpCode(202)
  @ApiOperation({ summary: 'Configure a lineage (emits LineageConfigured); the newest config applies to what follows' })
  @ApiBody({ schema: openApiSchema(ConfigureLineageBody) })
  @ApiAcceptedResponse({ description: 'LineageConfigured appended to the log' })
  @ApiBadRequestResponse({ description: 'invalid config; names the field and the reason' })
  configure(@Param('lineage', lineageParam) lineage: string, @Body(new ZodValidationPipe(ConfigureLineageBody)) body: ConfigureLineageBody): Promise<Accepted> {
    return this.commands.configure(lineage, body);
  }

  @Get(':lineage/champion')
  @ApiOperation({ summary: 'The current champion and who was champion when, and why' })
  @ApiNotFoundResponse({ description: 'unknown lineage' })
  async champion(@Param('lineage', lineageParam) lineage: string): Promise<{ lineage: string; champion: CheckpointView | null; history: ChampionChangeView[] }> {
    const detail = await this.known(lineage);
    const champion = detail.champion ? ((await this.queries.checkpointsById(detail.champion)).find((c) => c.lineage === lineage) ?? null) : null;
    return { lineage, champion, history: await this.queries.history(lineage) };
  }

  @Get(':lineage/checkpoints')
  @ApiOperation({ summary: "A lineage's checkpoints in save order: parent, batch, config, metrics, scores, decision" })
  @ApiNotFoundResponse({ description: 'unknown lineage' })
  async checkpoints(@Param('lineage', lineageParam) lineage: string): Promise<CheckpointView[]> {
    const detail = await this.known(lineage);
    return this.queries.checkpoints(lineage, detail.champion);
  }

  @Get(':lineage/checkpoints/:id')
  @ApiOperation({ summary: 'One checkpoint of a lineage' })
  @ApiNotFoundResponse({ description: 'unknown lineage or checkpoint' })
  async checkpoint(@Param('lineage', lineageParam) lineage: string, @Param('id') id: string): Promise<CheckpointView> {
    await this.known(lineage);
    const found = (await this.queries.checkpointsById(id)).find((c) => c.lineage === lineage);
    if (!found) throw new NotFoundException(`unknown checkpoint ${id} in lineage ${lineage}`);
    return found;
  }

  @Get(':lineage/matrix')
  @ApiOperation({ summary: 'The R matrix (loss and BPB per scored candidate × held-out set) with ACC, BWT and forgetting over the promoted models' })
  @ApiOkResponse({ description: 'rows in training order, columns in batch arrival order; null where not scored' })
  @ApiNotFoundResponse({ description: 'unknown lineage' })
  async matrix(@Param('lineage', lineageParam) lineage: string): Promise<RetentionMatrix & { lineage: string }> {
    await this.known(lineage);
    return { lineage, ...(await this.queries.matrix(lineage)) };
  }

  @Post(':lineage/rollback')
  @HttpCode(202)
  @ApiOperation({ summary: 'Make a former champion the champion again (emits ChampionRolledBack)' })
  @ApiBody({ schema: openApiSchema(RollbackBody) })
  @ApiAcceptedResponse({ description: 'ChampionRolledBack appended to the log' })
  @ApiNotFoundResponse({ description: 'unknown lineage' })
  @ApiConflictResponse({ description: 'the target was never champion, or is the champion already' })
  rollback(@Param('lineage', lineageParam) lineage: string, @Body(new ZodValidationPipe(RollbackBody)) body: RollbackBody): Promise<Accepted & { from: string; to: string }> {
    return this.commands.rollback(lineage, body);
  }
}
