import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './test/stack';

/**
 * `npm start` runs the worker under tools/supervise.mjs: a worker that crashes is started again
 * with backoff instead of ending the run (and the API with it).
 */
describe('the worker supervisor of npm start', () => {
  it('starts a crashed process again with growing delays, and stops it on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'al-supervise-'));
    const counter = join(dir, 'starts');
    writeFileSync(counter, '');
    // Crashes on its first two starts, then stays up.
    const child =
      `const fs=require('fs');fs.appendFileSync(${JSON.stringify(counter)},'x');` +
      `if(fs.readFileSync(${JSON.stringify(counter)},'utf8').length<3)process.exit(3);setInterval(()=>{},1000);`;
    const supervisor = spawn(
      process.execPath,
      [join(ROOT, 'tools', 'supervise.mjs'), 'worker', '--', process.execPath, '-e', child],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, SUPERVISE_MAX_DELAY_MS: '2000' },
      },
    );
    let log = '';
    supervisor.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (readFileSync(counter, 'utf8').length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(readFileSync(counter, 'utf8')).toBe('xxx');
    expect(log).toMatch(/the worker exited \(code 3\); starting it again in 1 s/);
    expect(log).toMatch(/the worker exited \(code 3\); starting it again in 2 s/);
    const exited = new Promise<number | null>((resolve) =>
      supervisor.on('exit', (code) => resolve(code)),
    );
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Stopped, not restarted: no fourth start.
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(counter, 'utf8')).toBe('xxx');
  });
});
