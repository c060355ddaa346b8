import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@accountlink/common';
import { GRAPHQL_LIMIT_DEFAULTS } from '@accountlink/tenancy';
import { buildSchema, DocumentNode, getIntrospectionQuery, Kind, parse } from 'graphql';
import { exceededLimit, measureQuery, variablesRefused } from './query-limits';

const schema = buildSchema(readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8'));
const measure = (query: string, variables?: Record<string, unknown>) => {
  const figures = measureQuery(schema, parse(query), undefined, variables);
  if (variablesRefused(figures)) {
    throw figures.refused;
  }
  return figures;
};

describe('measureQuery', () => {
  it('counts depth and aliases', () => {
    // graphql-armor counts the leaves: `me` is level 1, `kind` level 2.
    expect(measure('{ me { kind } }')).toMatchObject({ depth: 2, aliases: 0 });
    expect(measure('{ a: me { kind } b: me { kind } }')).toMatchObject({ aliases: 2 });
    expect(
      measure(
        '{ environments(first: 1) { edges { node { environmentAccountConnection { id } } } } }',
      ),
    ).toMatchObject({ depth: 5 });
  });

  it('costs a list field its `first` (a variable too, 50 when absent) times what it selects', () => {
    const list = 'query($n: Int) { environments(first: $n) { edges { node { name } } } }';
    // environments: 1 + n × (edges: 1 + node: 1); scalars are free.
    expect(measure(list, { n: 10 }).cost).toBe(1 + 10 * 2);
    expect(measure(list, {}).cost).toBe(1 + 50 * 2);
    expect(measure('{ me { kind } }').cost).toBe(1);
  });

  it("multiplies along the schema's cycle, so nesting it grows the cost", () => {
    const hop = (inner: string) =>
      `environmentAccountConnection { environments { name ${inner} } }`;
    const nested = (hops: number) => {
      let inner = '';
      for (let i = 0; i < hops; i++) {
        inner = hop(inner);
      }
      return `{ environments(first: 100) { edges { node { name ${inner} } } } }`;
    };
    const costs = [0, 1, 2].map((hops) => measure(nested(hops)).cost);
    // No hop: 1 + 100 × (edges + node). A hop: the connection (1), its environments (1 + 10 ×
    // (each 1 + what it selects)).
    const hopCost = (inner: number) => 1 + 1 + 10 * (1 + inner);
    expect(costs).toEqual([
      1 + 100 * 2,
      1 + 100 * (2 + hopCost(0)),
      1 + 100 * (2 + hopCost(hopCost(0))),
    ]);
    expect(exceededLimit(measure(nested(2)), GRAPHQL_LIMIT_DEFAULTS)?.details).toMatchObject({
      limit: 'cost',
    });
  });

  it('lets the standard introspection query through: its depth and cost are not counted', () => {
    const figures = measure(getIntrospectionQuery());
    expect(figures).toMatchObject({ cost: 0 });
    expect(exceededLimit(figures, GRAPHQL_LIMIT_DEFAULTS)).toBeNull();
  });
});

it('hands back variables that do not coerce, worded by graphql-js, instead of throwing', () => {
  const figures = measureQuery(
    schema,
    parse('query($a: String!) { accessKeys(accountId: $a) { accessKeyId } }'),
    undefined,
    { a: { x: 1 } },
  );
  expect(variablesRefused(figures) && figures.refused.message).toMatch(
    /String cannot represent a non string value/,
  );
});

describe('exceededLimit', () => {
  const limits = { depth: 3, aliases: 2, cost: 100 };

  it.each([
    ['depth', { depth: 4, aliases: 0, cost: 1 }, 3, 4],
    ['aliases', { depth: 1, aliases: 3, cost: 1 }, 2, 3],
    ['cost', { depth: 1, aliases: 0, cost: 101 }, 100, 101],
  ])(
    'refuses an operation over its %s, naming the limit and the figure',
    (limit, figures, max, actual) => {
      const refusal = exceededLimit(figures, limits);
      expect(refusal?.code).toBe(ErrorCode.QUERY_LIMIT_EXCEEDED);
      expect(refusal?.details).toEqual({ limit, max, actual });
      expect(refusal?.message).toContain(`graphqlMax${limit[0]!.toUpperCase()}${limit.slice(1)}`);
    },
  );

  it('lets an operation at its limits through', () => {
    expect(exceededLimit({ depth: 3, aliases: 2, cost: 100 }, limits)).toBeNull();
  });
});

describe('the README', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  /** Every operation the README shows: its graphql blocks, and the queries of its curl examples. */
  function documented(): { source: string; document: DocumentNode }[] {
    const sources = [...readme.matchAll(/^ *```graphql\n([\s\S]*?)^ *```/gm)].map((m) => m[1]!);
    for (const m of readme.matchAll(/"query":"((?:[^"\\]|\\.)*)"/g)) {
      sources.push(JSON.parse(`"${m[1]}"`) as string);
    }
    return sources.flatMap((source) =>
      parse(source).definitions.map((definition) => ({
        source,
        document: { kind: Kind.DOCUMENT, definitions: [definition] } as DocumentNode,
      })),
    );
  }

  it('shows only operations within the default limits', () => {
    const operations = documented();
    expect(operations.length).toBeGreaterThan(15);
    for (const { source, document } of operations) {
      const figures = measureQuery(schema, document, undefined, {});
      const refusal = variablesRefused(figures)
        ? figures.refused.message
        : exceededLimit(figures, GRAPHQL_LIMIT_DEFAULTS)?.message;
      expect({ source, refusal }).toEqual({
        source,
        refusal: undefined,
      });
    }
  });
});
