import { sql } from 'kysely';
import { escapeLiteral } from 'pg';
import { literal } from './sql-literal';
import { TestDatabase } from './testing/test-database';

describe('literal', () => {
  it('writes each value as the quoted text pg would send for it', () => {
    expect([literal("it's"), literal(5), literal(true), literal(null), literal(undefined)]).toEqual(
      ["'it''s'", "'5'", "'true'", 'NULL', 'NULL'],
    );
    // pg's array text escapes the quote with a backslash, so the literal is an E'' string.
    expect(literal(['a', 'b"c'])).toBe(escapeLiteral('{"a","b\\"c"}'));
    expect(literal('back\\slash')).toBe(" E'back\\\\slash'");
  });

  it('refuses binary values, which have no text literal here', () => {
    expect(() => literal(Buffer.from('x'))).toThrow('text');
  });
});

describe('EXECUTE with literals against the real database', () => {
  const test = new TestDatabase();
  afterAll(() => test.close());

  it('answers exactly what the statement bound with parameters answers', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const values = [
      "quote ' and backslash \\ and dollar $1",
      42,
      false,
      null,
      at,
      ['x', 'y "z"', null],
      JSON.stringify({ a: [1, 'two'] }),
      '2.5',
    ];
    const query = sql<
      Record<string, unknown>
    >`SELECT ${values[0]}::text AS t, ${values[1]}::int AS i,
      ${values[2]}::boolean AS b, ${values[3]}::text AS n, ${values[4]}::timestamptz AS d,
      ${values[5]}::text[] AS a, ${values[6]}::jsonb AS j, ${values[7]}::numeric * 2 AS m`;
    const compiled = query.compile(test.system.db);
    const bound = await test.system.pool.query(compiled.sql, [...compiled.parameters]);
    const client = await test.system.pool.connect();
    try {
      const results = (await client.query(
        `PREPARE literal_test AS ${compiled.sql}; EXECUTE literal_test(${compiled.parameters.map(literal).join(', ')}); DEALLOCATE literal_test`,
      )) as unknown as { rows: unknown[] }[];
      expect(results[1]?.rows).toEqual(bound.rows);
    } finally {
      client.release();
    }
    expect(bound.rows[0]).toEqual({
      t: values[0],
      i: 42,
      b: false,
      n: null,
      d: at,
      a: ['x', 'y "z"', null],
      j: { a: [1, 'two'] },
      m: '5.0',
    });
  });
});
