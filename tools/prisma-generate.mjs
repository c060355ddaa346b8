#!/usr/bin/env node
// `prisma generate` only checks that a schema-engine binary exists; point it at /bin/true for this
// one command (never globally: `migrate deploy` would then silently apply nothing).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'node_modules/prisma/build/index.js'), 'generate', '--config', 'prisma/prisma.config.ts'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  // The kysely generator is run by name: node_modules/.bin must be on PATH.
  env: { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}`, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
});
