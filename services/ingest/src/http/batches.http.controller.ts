// HTTP upload of a batch, and (when enabled) ingest of a folder on the server's disk.
import { Body, Controller, Headers, HttpCode, HttpStatus, NotFoundException, Inject, Param, Post, Query, Res, UnprocessableEntityException, BadRequestException } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BATCH_LABEL_MAX } from '@ratchet/contracts';
import type { Response } from 'express';
import { SERVICE_CONFIG } from '@ratchet/service-kit';
import { IngestConfig } from '../config';
import { DirectoryOutcome, IngestOutcome, IngestService } from '../ingest.service';

@ApiTags('batches')
@Controller('lineages/:lineage')
export class BatchesHttpController {
  constructor(
    private readonly ingest: IngestService,
    @Inject(SERVICE_CONFIG) private readonly config: IngestConfig,
  ) {}

  @Post('batches')
  @ApiOperation({ summary: 'Upload a batch: JSON lines (one record per line) or plain text (cut at paragraph breaks)' })
  @ApiConsumes('application/x-ndjson', 'application/jsonl', 'text/plain')
  @ApiBody({ schema: { type: 'string' } })
  @ApiQuery({
    name: 'label',
    required: false,
    description: `What people call the batch (shown by the registry and its dashboard instead of the id): 1 to ${BATCH_LABEL_MAX} characters, no control characters. The batch id stays content-derived.`,
    schema: { type: 'string', minLength: 1, maxLength: BATCH_LABEL_MAX },
  })
  @ApiResponse({ status: 202, description: '{batchId, records, rejected: [{position, field, code, reason}], train, heldOut, label?}' })
  @ApiResponse({ status: 200, description: '{duplicateOf}: the same content arrived before; nothing emitted' })
  @ApiResponse({ status: 400, description: 'invalid lineage or label, or an empty body' })
  @ApiResponse({ status: 413, description: 'larger than RATCHET_INGEST_MAX_BATCH_BYTES' })
  @ApiResponse({ status: 422, description: 'no valid record left; BatchRejected emitted' })
  async upload(
    @Param('lineage') lineage: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query('label') label: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<object> {
    // `?label=a&label=b` or `?label[x]=` parse to an array or object: one label, as text, or none
    if (label !== undefined && typeof label !== 'string') throw new BadRequestException('label must be given once, as text');
    const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : '';
    return answer(await this.ingest.ingestUpload(lineage, raw, contentType, label), res);
  }

  @Post('batches\\:from-directory')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Ingest every sub-folder of a folder on the server as one batch (RATCHET_INGEST_DIR_ENABLED)' })
  @ApiBody({ schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } })
  async fromDirectory(@Param('lineage') lineage: string, @Body() body: { path?: unknown }): Promise<{ batches: object[] }> {
    if (!this.config.RATCHET_INGEST_DIR_ENABLED) throw new NotFoundException('directory ingest is disabled (RATCHET_INGEST_DIR_ENABLED=false)');
    if (typeof body?.path !== 'string' || body.path.length === 0) throw new BadRequestException('send {"path": "<folder>"}');
    const outcomes = await this.ingest.ingestDirectory(body.path, lineage);
    return { batches: outcomes.map(({ folder, outcome }: DirectoryOutcome) => ({ folder, ...outcome })) };
  }
}

function answer(outcome: IngestOutcome, res: Response): object {
  switch (outcome.status) {
    case 'accepted':
      res.status(HttpStatus.ACCEPTED);
      return outcome;
    case 'duplicate':
      res.status(HttpStatus.OK);
      return { duplicateOf: outcome.duplicateOf, rejected: outcome.rejected };
    case 'rejected':
      throw new UnprocessableEntityException({ message: 'no valid record in the batch', ...outcome });
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}
