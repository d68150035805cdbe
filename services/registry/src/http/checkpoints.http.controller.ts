import { ConflictException, Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadModels } from '../projection/read-models';
import { RegistryQueries } from '../queries/registry-queries';
import { CheckpointView } from '../queries/views';

@ApiTags('checkpoints')
@Controller('checkpoints')
export class CheckpointsHttpController {
  constructor(private readonly readModels: ReadModels) {}

  @Get(':id')
  @ApiOperation({ summary: 'A checkpoint: parent, batch, config, train metrics, scores, decision' })
  @ApiNotFoundResponse({ description: 'unknown checkpoint' })
  @ApiConflictResponse({ description: 'the id exists in several lineages; ask /lineages/{lineage}/checkpoints/{id}' })
  async checkpoint(@Param('id') id: string): Promise<CheckpointView> {
    const found = await new RegistryQueries(this.readModels.db).checkpointsById(id);
    if (found.length === 0) throw new NotFoundException(`unknown checkpoint ${id}`);
    if (found.length > 1) throw new ConflictException(`checkpoint ${id} exists in lineages ${found.map((c) => c.lineage).join(', ')}`);
    return found[0]!;
  }
}
