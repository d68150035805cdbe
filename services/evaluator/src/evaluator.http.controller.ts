import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EvaluatorService, type EvaluatorStatus } from './evaluator.service';

@ApiTags('evaluator')
@Controller('evaluator')
export class EvaluatorHttpController {
  constructor(private readonly evaluator: EvaluatorService) {}

  /** Backend, queue length and the progress of the job in hand (a progress bar polls this). */
  @Get('status')
  @ApiOkResponse({ description: 'backend, queued, current {lineage, checkpointId, model, set, done, total} or null, cache counters' })
  status(): EvaluatorStatus {
    return this.evaluator.status();
  }
}
