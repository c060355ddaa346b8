import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchemaSdl } from './graphql/schema-sdl';

/** `npm run schema:gql`: rewrites the committed schema.gql from the resolvers. */
buildSchemaSdl().then(
  (sdl) => {
    const file = join(__dirname, '..', '..', '..', '..', 'apps', 'api', 'src', 'schema.gql');
    writeFileSync(file, sdl);
    process.stdout.write(`wrote ${file}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
