#!/usr/bin/env node
// Drops and recreates the database of DATABASE_URL (tests only: refuses names without "test"),
// and empties its Redis database, so every test run starts from nothing.
import pg from 'pg';
import { Redis } from 'ioredis';

const url = new URL(process.env.DATABASE_URL);
const name = url.pathname.slice(1);
if (!/test/.test(name)) {
  console.error(`refusing to reset "${name}": not a test database`);
  process.exit(1);
}
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
await client.query(`CREATE DATABASE "${name}"`);
await client.end();

const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
await redis.connect();
await redis.flushdb();
redis.disconnect();
