import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..', '..');
const STATE_FILE = join(ROOT, '.data', 'e2e-stack.json');

export interface StackState {
  url: string;
  pids: { api: number; worker: number };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Starts one built app (`api` or `worker`) as a child process, logging to .data/e2e-logs. */
export function spawnApp(
  app: 'api' | 'worker',
  env: Record<string, string>,
  logName: string = app,
): ChildProcess {
  const logs = join(ROOT, '.data', 'e2e-logs');
  mkdirSync(logs, { recursive: true });
  const out = createWriteStream(join(logs, `${logName}.log`), { flags: 'a' });
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(ROOT, 'tools', 'register-aliases.cjs'),
      join(ROOT, 'dist', 'apps', app, 'src', 'main.js'),
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return child;
}

export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A short job lock, so a killed worker's job is retried within seconds (the worker-kill test). */
const WORKER_ENV = { JOB_LOCK_MS: '2000' };

/** The browser origin the CORS test's pages come from. */
export const TEST_PORTAL_ORIGIN = 'http://portal.test:8080';

export async function startStack(): Promise<StackState> {
  const port = await freePort();
  const api = spawnApp('api', {
    PORT: String(port),
    HOST: '127.0.0.1',
    CORS_ORIGINS: TEST_PORTAL_ORIGIN,
  });
  const worker = spawnApp('worker', WORKER_ENV);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/health/ready`)).status === 200,
    'the API to be ready',
  );
  const state = { url, pids: { api: api.pid ?? 0, worker: worker.pid ?? 0 } };
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state));
  return state;
}

export function stackState(): StackState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as StackState;
}

export function stopStack(): void {
  const state = stackState();
  for (const pid of Object.values(state.pids)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** Kills the worker without warning (SIGKILL: no shutdown hook runs) and starts a new one. */
export async function killAndRestartWorker(): Promise<void> {
  const state = stackState();
  process.kill(state.pids.worker, 'SIGKILL');
  await waitFor(async () => {
    try {
      process.kill(state.pids.worker, 0);
      return false;
    } catch {
      return true;
    }
  }, 'the worker to die');
  const worker = spawnApp('worker', WORKER_ENV);
  writeFileSync(
    STATE_FILE,
    JSON.stringify({ ...state, pids: { ...state.pids, worker: worker.pid ?? 0 } }),
  );
}
