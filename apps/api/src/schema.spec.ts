import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchemaSdl } from './graphql/schema-sdl';

describe('schema.gql', () => {
  it('is the schema the resolvers generate (run `npm run schema:gql` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, 'schema.gql'), 'utf8');
    expect(await buildSchemaSdl()).toBe(committed);
  });
});
