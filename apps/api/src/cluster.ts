import cluster from 'node:cluster';
import { AppConfig } from '@accountlink/config';
import { serveClusterMetrics } from '@accountlink/observability';

const log = (msg: string) => process.stdout.write(`${JSON.stringify({ level: 30, msg })}\n`);

/**
 * The primary of an API cluster (API_PROCESSES > 1): it forks the API processes, which share the
 * port (Node's cluster hands each new connection to one of them in turn), restarts one that dies,
 * aggregates their metrics, and stops them all on SIGTERM or SIGINT. It serves no request itself.
 * What one process caches, the others learn through Redis (CacheInvalidationSync).
 */
export function runApiCluster(config: AppConfig): void {
  let stopping = false;
  serveClusterMetrics();
  const fork = () => cluster.fork();
  for (let i = 0; i < config.apiProcesses; i++) {
    fork();
  }
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        process.exit(0);
      }
      return;
    }
    log(`API process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, 1_000);
  });
  const stop = () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) {
      process.exit(0);
    }
    for (const worker of workers) {
      worker?.process.kill('SIGTERM');
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  log(`AccountLink API cluster: ${config.apiProcesses} processes on port ${config.port}`);
}
