import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadModels, RebuildReport } from '../projection/read-models';

@ApiTags('admin')
@Controller('admin')
export class AdminHttpController {
  constructor(private readonly readModels: ReadModels) {}

  @Post('rebuild')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop every read-model row and replay the event log from its first offset' })
  @ApiOkResponse({ description: 'how many events were read and projected' })
  rebuild(): Promise<RebuildReport> {
    return this.readModels.rebuild();
  }
}
