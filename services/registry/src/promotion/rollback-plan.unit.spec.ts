import { planRollback } from './rollback-plan';

describe('rollback plan', () => {
  it('rolls back from the champion to a former champion', () => {
    expect(planRollback('c3', ['c1', 'c3'], 'c1')).toEqual({ ok: true, from: 'c3' });
  });

  it('refuses a target that was never champion, the champion itself, or a lineage without champion', () => {
    expect(planRollback('c3', ['c1', 'c3'], 'c2')).toEqual({ ok: false, reason: 'c2 was never champion of this lineage' });
    expect(planRollback('c3', ['c1', 'c3'], 'c3')).toEqual({ ok: false, reason: 'c3 is the champion already' });
    expect(planRollback(null, [], 'c1')).toMatchObject({ ok: false });
  });
});
