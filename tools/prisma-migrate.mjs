#!/usr/bin/env node
// Offline Prisma migrations: drives the WebAssembly schema engine (the exact build the prisma CLI
// ships) through @prisma/adapter-pg, so no native engine download is needed. It records
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so the stock CLI agrees.
//
//   node tools/prisma-migrate.mjs create <name> [--allow-empty]   new migration: migrations -> schema.prisma
//   node tools/prisma-migrate.mjs diff [--exit-code]              SQL that schema.prisma still needs
//   node tools/prisma-migrate.mjs check                           exit 1 when schema.prisma has un-migrated changes
//   node tools/prisma-migrate.mjs deploy                          apply pending migrations
//   node tools/prisma-migrate.mjs status                          history and pending migrations (exit 1 if not in sync)
//
// DATABASE_URL must be the owner connection.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, DriverAdapterError } from '@prisma/driver-adapter-utils';
import { loadConfigFromFile } from '@prisma/config';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (...a) => console.error('[migrate]', ...a);

// The engine reports a Rust panic's message here before it throws; without it the panic's own
// message is lost behind "Cannot read properties of undefined (reading 'set_message')".
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  message: '',
  set_message(message) {
    this.message = message;
    process.stderr.write(`[migrate] schema engine panic: ${message}\n`);
  },
};

async function loadEngine() {
  const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const module = new WebAssembly.Module(await fs.readFile(path.join(dir, 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': runtime });
  runtime.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  // The wasm engine must be the build the installed CLI expects, or history checksums could differ.
  const cliDir = path.dirname(require.resolve('prisma/package.json'));
  const expected = require(require.resolve('@prisma/engines-version', { paths: [cliDir] })).enginesVersion;
  if (expected !== runtime.version()) {
    throw new Error(`@prisma/schema-engine-wasm is ${runtime.version()}, prisma expects ${expected}`);
  }
  return runtime.SchemaEngine;
}

// adapter-pg 7.10.0 cannot decode Postgres's internal "char" type (OID 18), which the engine's
// schema describer selects; pg hands those values over as strings anyway, so relabel them as text.
class CharAsTextPool extends pg.Pool {
  query(...args) {
    const result = super.query(...args);
    if (!result || typeof result.then !== 'function') return result;
    return result.then((r) => {
      for (const f of r?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
      return r;
    });
  }
}

// adapter-pg splits scripts on every ";" (breaking $$ bodies) and runs the pieces separately.
// Send the whole migration as one simple-protocol query instead: atomic, like the native engine.
async function connectAdapter(url) {
  const pool = new CharAsTextPool({ connectionString: url });
  const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (e) {
      throw new DriverAdapterError({ kind: 'postgres', code: e.code ?? 'N/A', severity: e.severity ?? 'ERROR', message: e.message, detail: e.detail, column: e.column, hint: e.hint });
    }
  };
  return adapter;
}

// adapter-pg's own shadow-database helper connects to the main database; make a throwaway one.
class MigrationAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';
  opened = [];
  constructor(url) {
    this.url = url;
  }
  async connect() {
    const adapter = await connectAdapter(this.url);
    this.opened.push(adapter);
    return adapter;
  }
  async connectToShadowDb() {
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    const adapter = await connectAdapter(url.toString());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
    return adapter;
  }
  async close() {
    for (const adapter of this.opened.splice(0)) await adapter.dispose();
  }
}

const LOCKFILE = '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n';

// Same structure as @prisma/migrate's listMigrations().
async function listMigrations(dir) {
  const lockContent = await fs.readFile(path.join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const entries = (await fs.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory());
  const migrationDirectories = [];
  for (const entry of entries) {
    const content = await fs.readFile(path.join(dir, entry.name, 'migration.sql'), 'utf8').then(
      (value) => ({ tag: 'ok', value }),
      (err) => ({ tag: 'error', value: err.message }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: 'migration.sql', content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir: dir, lockfile: { path: 'migration_lock.toml', content: lockContent }, migrationDirectories, shadowDbInitScript: '' };
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const { config, error } = await loadConfigFromFile({ configFile: path.join(root, 'prisma', 'prisma.config.ts') });
  if (error) throw new Error(`prisma.config.ts: ${error._tag} ${error.error?.message ?? ''}`);
  const url = config.datasource?.url;
  if (!url) throw new Error('DATABASE_URL is not set (the owner connection migrations run as)');
  const schemaPath = config.schema;
  const migrationsDir = config.migrations.path;
  const files = [{ path: schemaPath, content: await fs.readFile(schemaPath, 'utf8') }];
  const filters = { externalTables: [], externalEnums: [] };

  const SchemaEngine = await loadEngine();
  const factory = new MigrationAdapterFactory(url);
  const engine = await SchemaEngine.new(
    { datamodels: files.map((f) => [f.path, f.content]) },
    process.env.DEBUG ? (m) => log('[engine]', m) : () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  const fromMigrations = async () => {
    const list = await listMigrations(migrationsDir);
    return { tag: 'migrations', ...list, lockfile: { ...list.lockfile, content: list.lockfile.content ?? LOCKFILE } };
  };
  const diff = async (exitCode) =>
    engine.diff({ from: await fromMigrations(), to: { tag: 'schemaDatamodel', files }, script: true, exitCode, filters });

  try {
    switch (cmd) {
      case 'create': {
        const name = rest.find((a) => !a.startsWith('--'));
        if (!name) throw new Error('usage: create <name> [--allow-empty]');
        const res = await diff(true);
        if (res.exitCode === 0 && !rest.includes('--allow-empty')) {
          log('schema.prisma is in sync with the migrations; nothing created (--allow-empty for a hand-written one)');
          break;
        }
        const ts = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
        const slug = name.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
        const dir = path.join(migrationsDir, `${ts}_${slug}`);
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, 'migration.sql'), res.stdout ?? '', 'utf8');
        await fs.writeFile(path.join(migrationsDir, 'migration_lock.toml'), LOCKFILE, 'utf8');
        log(`created ${path.relative(root, dir)}/migration.sql`);
        break;
      }
      case 'diff': {
        const res = await diff(rest.includes('--exit-code'));
        process.stdout.write(res.stdout ?? '');
        process.exitCode = res.exitCode;
        break;
      }
      case 'check': {
        const res = await diff(true);
        if (res.exitCode === 0) {
          log('schema.prisma has no un-migrated change');
        } else {
          log('schema.prisma has changes no migration covers; run `npm run db:migrate:create -- <name>`:');
          process.stderr.write(res.stdout ?? '');
          process.exitCode = 1;
        }
        break;
      }
      case 'deploy': {
        const res = await engine.applyMigrations({ migrationsList: await listMigrations(migrationsDir), filters });
        log(res.appliedMigrationNames.length ? `applied ${res.appliedMigrationNames.join(', ')}` : 'no pending migrations');
        break;
      }
      case 'status': {
        const res = await engine.diagnoseMigrationHistory({ migrationsList: await listMigrations(migrationsDir), optInToShadowDatabase: false, filters });
        console.log(JSON.stringify(res, null, 2));
        if (res.history || res.failedMigrationNames.length || res.editedMigrationNames.length) process.exitCode = 1;
        break;
      }
      default:
        throw new Error('usage: prisma-migrate.mjs create <name> [--allow-empty] | diff [--exit-code] | check | deploy | status');
    }
  } finally {
    engine.free();
    await factory.close();
  }
}

// Exit explicitly: the engine leaves an advisory-lock timer running after applyMigrations.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    log(e?.code ? `${e.code}: ${e.message}` : (e?.stack ?? e));
    process.exit(1);
  },
);
