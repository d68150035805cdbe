import { BadRequestException } from '@nestjs/common';
import { ConfigureLineageBody } from './requests';
import { FieldProblem, ZodValidationPipe } from './zod-validation.pipe';

const pipe = new ZodValidationPipe(ConfigureLineageBody);

/** The problems of the 400 the pipe answers for `body`. */
function problems(body: unknown): FieldProblem[] {
  try {
    pipe.transform(body);
  } catch (e) {
    if (e instanceof BadRequestException) return (e.getResponse() as { problems: FieldProblem[] }).problems;
    throw e;
  }
  throw new Error('expected a 400');
}

describe('PUT /lineages/:lineage/config body', () => {
  it('accepts a strategy and training the trainer can use, unchanged', () => {
    const body = { preset: 'tiny', strategy: { spec: 'replay+ewc', replay: { ratio: 0.25 } }, training: { batchSize: 4, seqLen: 16, budget: { tokens: 4096 } } };
    expect(pipe.transform(body)).toMatchObject(body);
  });

  it('refuses an unknown strategy name, naming the field and the reason', () => {
    expect(problems({ preset: 'tiny', strategy: { spec: 'replay+ewx' } })).toEqual([
      { field: 'strategy.spec', reason: 'unknown strategy "ewx" in "replay+ewx"; use naive, replay, ewc, l2, distill joined by +' },
    ]);
  });

  it('refuses strategy weights and training settings out of range or unknown', () => {
    expect(problems({ preset: 'tiny', strategy: { replay: { ratio: 1.5 }, ewk: {} }, training: { batchSize: 0, seqLen: 64, lr: 1 } })).toEqual([
      { field: 'strategy.ewk', reason: expect.stringMatching(/^unknown setting/) },
      { field: 'training.lr', reason: expect.stringMatching(/^unknown setting/) },
      { field: 'training.batchSize', reason: 'must be a positive integer, got 0' },
      { field: 'training.seqLen', reason: "must be at most the model's block_size 16, got 64" },
    ]);
    expect(problems({ preset: 'tiny', strategy: { replay: { ratio: 1.5 } } })).toEqual([{ field: 'strategy.replay.ratio', reason: 'must be in [0, 1), got 1.5' }]);
  });

  it('refuses a strategy that is not an object without looking into it', () => {
    expect(problems({ preset: 'tiny', strategy: 'replay+ewx' })).toEqual([{ field: 'strategy', reason: expect.stringMatching(/expected record/) }]);
  });
});
