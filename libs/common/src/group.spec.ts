import { groupBy, indexBy } from './group';

describe('groupBy', () => {
  it('answers in the order of the keys, with an empty list for a key without rows', () => {
    const rows = [
      { k: 'b', n: 1 },
      { k: 'a', n: 2 },
      { k: 'b', n: 3 },
    ];
    expect(groupBy(['a', 'c', 'b'], rows, (r) => r.k)).toEqual([
      [{ k: 'a', n: 2 }],
      [],
      [
        { k: 'b', n: 1 },
        { k: 'b', n: 3 },
      ],
    ]);
  });
});

describe('indexBy', () => {
  it('answers the row of each key, or null', () => {
    const rows = [{ id: 'x' }, { id: 'y' }];
    expect(indexBy(['y', 'z', 'x'], rows, (r) => r.id)).toEqual([{ id: 'y' }, null, { id: 'x' }]);
  });
});
