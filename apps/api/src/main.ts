import 'reflect-metadata';
import cluster from 'node:cluster';
import { loadConfig } from '@accountlink/config';
import { createApiApp } from './bootstrap';
import { runApiCluster } from './cluster';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.apiProcesses > 1 && cluster.isPrimary) {
    runApiCluster(config);
    return;
  }
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  process.stdout.write(
    `${JSON.stringify({ level: 30, msg: `AccountLink API listening on ${url}/graphql` })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `AccountLink API failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
