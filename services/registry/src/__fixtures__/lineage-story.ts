// One lineage's life in events: a first champion, a promoted increment, a rejected one, a failed
// one, a refused batch, a rollback; and a second lineage beside it. b1, b2 and the refused batch
// have labels (b2's with characters HTML must escape), b3 and b4 none.
import { AnyEvent } from '@ratchet/contracts';
import { LineageEvents } from './lineage-events';

export const STORY_LABELS = { b1: 'era 1: 1790–1835', b2: 'era "2" <& co>', 'b-bad': 'a bad upload' } as const;

export function lineageStory(lineage = 'lin'): AnyEvent[] {
  const e = new LineageEvents(lineage);
  // Checkpoint ids derive from content that includes the lineage, so they differ between lineages.
  const [c1, c2, c3, c4] = [1, 2, 3, 4].map((n) => (lineage === 'lin' ? `c${n}` : `${lineage}-c${n}`)) as [string, string, string, string];
  return [
    e.configured({ retentionTolerance: 0.02 }),
    e.arrived('b1', 'b1', STORY_LABELS.b1),
    e.started('b1', c1, null),
    e.saved('b1', c1, null),
    e.scored(c1, 'b1', null, [['b1', 3, null, 8]]),
    e.promoted(c1, null),
    e.arrived('b2', 'b2', STORY_LABELS.b2),
    e.started('b2', c2, c1),
    e.saved('b2', c2, c1),
    e.scored(c2, 'b2', c1, [['b1', 3.03, 3, 8], ['b2', 2.5, 4, 8]]),
    e.promoted(c2, c1),
    e.refused('b-bad', STORY_LABELS['b-bad']),
    e.arrived('b3'),
    e.started('b3', c3, c2),
    e.saved('b3', c3, c2),
    e.scored(c3, 'b3', c2, [['b1', 3.5, 3.03, 8], ['b2', 2.4, 2.5, 8], ['b3', 2, 4, 8]]),
    e.rejected(c3, c2),
    e.arrived('b4'),
    e.started('b4', c4, c2),
    e.failed('b4', c2),
    e.rolledBack(c2, c1),
  ];
}
