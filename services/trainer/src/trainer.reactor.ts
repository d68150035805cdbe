import { Injectable } from '@nestjs/common';
import { AnyEvent } from '@ratchet/contracts';
import { EventReactor } from '@ratchet/service-kit';
import { TrainerService } from './trainer.service';

/** Every event may unblock an increment (a batch arriving, a decision on the previous candidate). */
@Injectable()
export class TrainerReactor implements EventReactor {
  readonly group = 'trainer';

  constructor(private readonly trainer: TrainerService) {}

  async react(_event: AnyEvent): Promise<void> {
    this.trainer.kick();
  }

  async resume(): Promise<void> {
    this.trainer.kick();
  }
}
