import fc from 'fast-check';
import { jsonShapeProblem } from './json-shape';

const limits = { maxDepth: 4, maxMembers: 3 };
const problem = (text: string) => jsonShapeProblem(Buffer.from(text), limits);

/** The same figures from the parsed value: the reference the scanner must agree with. */
function shape(value: unknown, depth = 0): { depth: number; members: number } {
  if (value === null || typeof value !== 'object') {
    return { depth, members: 0 };
  }
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.reduce<{ depth: number; members: number }>(
    (acc, child) => {
      const c = shape(child, depth + 1);
      return { depth: Math.max(acc.depth, c.depth), members: Math.max(acc.members, c.members) };
    },
    { depth: depth + 1, members: children.length },
  );
}

describe('jsonShapeProblem', () => {
  it.each([
    ['{}'],
    ['{"a":[1,2,3]}'],
    ['{"a":{"b":{"c":[]}}}'],
    ['{"s":"[[[[[[[[,,,,,,,{{{{"}'],
    ['{"s":"quote \\" and [ inside"}'],
    ['[ ]'],
  ])('lets %s through', (text) => {
    expect(problem(text)).toBeNull();
  });

  it.each([
    ['{"a":{"b":{"c":{"d":{}}}}}', /deeper than 4 levels/],
    ['[[[[[]]]]]', /deeper than 4 levels/],
    ['{"a":1,"b":2,"c":3,"d":4}', /more than 3 members/],
    ['[1,2,3,4]', /more than 3 members/],
    ['{"a":[{},{},{},{}]}', /more than 3 members/],
  ])('refuses %s', (text, message) => {
    expect(problem(text)).toMatch(message);
  });

  it('agrees with the parsed value on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        const { depth, members } = shape(value);
        const expected = depth > limits.maxDepth || members > limits.maxMembers;
        expect(problem(text) !== null).toBe(expected);
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads a 2 MB body of one deep array in one pass and stops at the limit', () => {
    const deep = Buffer.from('['.repeat(2_000_000));
    expect(jsonShapeProblem(deep, { maxDepth: 32, maxMembers: 1000 })).toMatch(/deeper than 32/);
  });
});
