import path from 'node:path';
import { defineConfig } from 'prisma/config';

// DATABASE_URL is the owner connection: migrations run as the role that owns the tables.
export default defineConfig({
  schema: path.join(__dirname, 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
