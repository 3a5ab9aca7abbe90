import { mayBeReplay, placePush } from '../../src/domain/revision-order';

const at = (second: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, second));
const LATEST = { pushedAt: at(30), contentHash: 'B' };

describe('placing a push among the revisions of its work order', () => {
  it('answers a push equal to the latest revision as a duplicate, whenever it was pushed', () => {
    for (const second of [0, 30, 59]) expect(placePush({ pushedAt: at(second), contentHash: 'B' }, LATEST, false)).toBe('duplicate');
  });

  it('makes a changed push pushed later than the latest revision the new latest', () => {
    expect(placePush({ pushedAt: at(31), contentHash: 'C' }, LATEST, false)).toBe('latest');
  });

  it('orders a changed push with the same timestamp as the latest by arrival: it becomes the latest', () => {
    expect(placePush({ pushedAt: at(30), contentHash: 'C' }, LATEST, false)).toBe('latest');
  });

  it('keeps a changed push pushed earlier than the latest revision as out of order', () => {
    expect(placePush({ pushedAt: at(10), contentHash: 'A' }, LATEST, false)).toBe('out-of-order');
  });

  it('answers a push equal to an earlier revision and pushed no later than the latest as a replay', () => {
    expect(placePush({ pushedAt: at(10), contentHash: 'A' }, LATEST, true)).toBe('replay');
    expect(placePush({ pushedAt: at(30), contentHash: 'A' }, LATEST, true)).toBe('replay');
  });

  it('makes a push equal to an earlier revision but pushed later than the latest the new latest: Qimen judged back', () => {
    expect(placePush({ pushedAt: at(31), contentHash: 'A' }, LATEST, true)).toBe('latest');
  });
});

describe('whether a push may be a replay', () => {
  it('only when it differs from the latest revision and was pushed no later', () => {
    expect(mayBeReplay({ pushedAt: at(10), contentHash: 'A' }, LATEST)).toBe(true);
    expect(mayBeReplay({ pushedAt: at(30), contentHash: 'A' }, LATEST)).toBe(true);
    expect(mayBeReplay({ pushedAt: at(31), contentHash: 'A' }, LATEST)).toBe(false);
    expect(mayBeReplay({ pushedAt: at(10), contentHash: 'B' }, LATEST)).toBe(false);
  });
});
