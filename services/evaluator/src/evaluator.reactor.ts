// Consumer group `evaluator`: a saved checkpoint is queued for scoring; start-up resumes unscored ones.
import { Injectable } from '@nestjs/common';
import type { AnyEvent } from '@ratchet/contracts';
import { EventReactor } from '@ratchet/service-kit';
import { EvaluatorService } from './evaluator.service';

@Injectable()
export class EvaluatorReactor implements EventReactor {
  readonly group = 'evaluator';

  constructor(private readonly evaluator: EvaluatorService) {}

  /** Returns at once: scoring takes minutes, and the group's offset must not wait for it (resume covers a crash). */
  async react(event: AnyEvent): Promise<void> {
    if (event.name === 'CheckpointSaved') this.evaluator.enqueue(event);
  }

  async resume(): Promise<void> {
    await this.evaluator.resumeAwaiting();
  }
}
