import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ReadModels } from '../projection/read-models';
import { RegistryQueries } from '../queries/registry-queries';
import { renderDashboard } from '../report/render-dashboard';
import { LineageName } from './requests';
import { ZodValidationPipe } from './zod-validation.pipe';

@ApiTags('dashboard')
@Controller('lineages')
export class DashboardHttpController {
  constructor(private readonly readModels: ReadModels) {}

  @Get(':lineage/dashboard')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'HTML dashboard: R-matrix heatmap, BPB per held-out set over increments, champion history, decisions' })
  @ApiNotFoundResponse({ description: 'unknown lineage' })
  async dashboard(@Param('lineage', new ZodValidationPipe(LineageName, 'lineage')) lineage: string): Promise<string> {
    const report = await new RegistryQueries(this.readModels.db).report(lineage);
    if (!report) throw new NotFoundException(`unknown lineage ${lineage}`);
    return renderDashboard(report);
  }
}
