import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './test/browser';
import { apiUrl, config } from './test/client';
import { count } from './test/db';
import { ROOT } from './test/stack';

/** `npm run loadtest`'s program (built by npm test), run against the test stack. */
const MAIN = join(ROOT, 'dist', 'apps', 'loadtest', 'src', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'loadtest-e2e-'));

interface Summary {
  scenario: string;
  flows: number;
  injectedFaults: Record<string, number> | null;
  operations: Record<
    string,
    {
      count: number;
      p99: number;
      errors: number;
      errorsByCode: Record<string, number>;
      retries: number;
    }
  >;
  audit: {
    ok: boolean;
    lost: number;
    inconsistent: number;
    checks: { name: string; expected: number; actual: number; ok: boolean; examples: string[] }[];
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  summary: Summary | null;
}

function loadtest(name: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const json = join(dir, `${name}.json`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, '--url', apiUrl(), '--json', json, '--timeout-ms', '20000', ...args],
      // Not a TTY: the live view prints plain lines.
      {
        env: { PATH: process.env.PATH, OPERATOR_TOKEN: config.operatorToken, ...env },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        let summary: Summary | null = null;
        try {
          summary = JSON.parse(readFileSync(json, 'utf8')) as Summary;
        } catch {
          summary = null;
        }
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
          summary,
        });
      },
    );
  });
}

const check = (s: Summary, name: string) => s.audit.checks.find((c) => c.name.startsWith(name));

describe('npm run loadtest', () => {
  jest.setTimeout(180_000);

  it.each([
    [
      'proton-connections',
      8,
      ['create-connection', 'accept-connection', 'update-connection', 'delete-connection'],
    ],
    ['proton-environments', 4, ['create-environment', 'update-environment', 'delete-environment']],
    [
      'codecatalyst-portal',
      6,
      ['request-connection', 'look-up-token', 'verify-token', 'associate-role', 'remove-role'],
    ],
  ])(
    'runs %s on a small world, every flow audited consistent',
    async (scenario, accounts, operations) => {
      const run = await loadtest(scenario, [
        '--scenario',
        scenario,
        '--accounts',
        String(accounts),
        '--concurrency',
        '3',
      ]);
      expect(run.stderr).not.toMatch(/Error:/);
      expect(run.code).toBe(0);
      const s = run.summary as Summary;
      expect(s.scenario).toBe(scenario);
      expect(s.flows).toBe(accounts);
      expect(s.audit).toMatchObject({ ok: true, lost: 0, inconsistent: 0 });
      expect(check(s, 'flows completed')?.actual).toBeGreaterThanOrEqual(accounts);
      expect(check(s, 'events received')?.actual).toBeGreaterThan(accounts);
      for (const op of operations) {
        expect(s.operations[op]).toMatchObject({ count: accounts, errors: 0 });
        expect(s.operations[op].p99).toBeGreaterThan(0);
      }
      // The live view, without a terminal, prints plain lines; the totals and the audit follow.
      expect(run.stdout).toMatch(
        /^\[loadtest\] \d+s flows \d+\/\d+ ops\/s \d+ ops \d+ errors 0 p99 [\d.]+ ms$/m,
      );
      expect(run.stdout).toContain('audit PASSED: 0 lost, 0 inconsistent');
    },
  );

  it('runs read-mix: lists, gets and subscriptions beside the writer, every change delivered to its subscribers', async () => {
    const run = await loadtest('read-mix', [
      '--scenario',
      'read-mix',
      '--accounts',
      '8',
      '--concurrency',
      '4',
      '--subscribers',
      '5',
    ]);
    expect(run.code).toBe(0);
    const s = run.summary as Summary;
    expect(check(s, 'subscribers received')).toMatchObject({ ok: true, expected: 5, actual: 5 });
    for (const op of ['read-list-aws', 'read-list-graphql', 'read-get-graphql', 'read-me']) {
      expect(s.operations[op]?.count).toBeGreaterThan(0);
    }
    expect(s.operations['delete-connection'].count).toBe(8);
  });

  it('runs a custom scenario module through the documented interface', async () => {
    const run = await loadtest('custom', [
      '--scenario',
      join(ROOT, 'apps', 'loadtest', 'examples', 'reject-connections.cjs'),
      '--accounts',
      '5',
      '--concurrency',
      '2',
    ]);
    expect(run.code).toBe(0);
    const s = run.summary as Summary;
    expect(s.scenario).toBe('reject-connections');
    expect(s.operations['reject-connection'].count).toBe(5);
    expect(check(s, 'history')).toMatchObject({ ok: true, expected: 5, actual: 5 });
  });

  it('exits non-zero when the audit finds a transition deleted behind the product', async () => {
    // The built-in proton-environments, wrapped so that one connection's last transition is
    // deleted in the database (as its owner) after the flows and before the read-back.
    const module = join(dir, 'broken.cjs');
    writeFileSync(
      module,
      `const { Client } = require(${JSON.stringify(require.resolve('pg'))});
const { protonEnvironments } = require(${JSON.stringify(join(ROOT, 'dist/apps/loadtest/src/scenarios/proton-environments.js'))});
module.exports = { ...protonEnvironments, async readBack(ctx, flows) {
  const id = flows.find((f) => f.resourceType === 'EnvironmentAccountConnection').resourceId;
  const db = new Client({ connectionString: process.env.OWNER_DATABASE_URL });
  await db.connect();
  await db.query('DELETE FROM connection_transitions WHERE id = (SELECT max(id) FROM connection_transitions WHERE "connectionId" = $1)', [id]);
  await db.end();
  return protonEnvironments.readBack(ctx, flows);
} };
`,
    );
    const run = await loadtest(
      'broken',
      ['--scenario', module, '--accounts', '3', '--concurrency', '3'],
      {
        OWNER_DATABASE_URL: config.databaseUrl,
      },
    );
    expect(run.code).toBe(1);
    const s = run.summary as Summary;
    expect(s.audit).toMatchObject({ ok: false, lost: 0, inconsistent: 1 });
    const history = check(s, 'history');
    expect(history).toMatchObject({ ok: false, expected: 6, actual: 5 });
    expect(history?.examples[0]).toContain('∅→PENDING, expected ∅→PENDING, PENDING→CONNECTED');
    expect(check(s, 'final state')?.ok).toBe(true);
    expect(run.stdout).toContain('audit FAILED: 0 lost, 1 inconsistent');
  });

  it('refuses a bad command line with the usage and exit code 2, creating nothing', async () => {
    const tenants = await count('tenants');
    const bad = await loadtest('bad', [
      '--scenario',
      'proton-connections',
      '--accounts',
      '2',
      '--concurrency',
      '5',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--concurrency: must not exceed --accounts');
    expect(bad.stderr).toContain('usage: npm run loadtest');
    const unknown = await loadtest('unknown', ['--scenario', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario "nope"');
    expect(await count('tenants')).toBe(tenants);
  });

  it("rides through injected throttling with the SDK's retries, counting them, with every flow consistent", async () => {
    const faults = JSON.stringify([
      { operations: 'CreateEnvironmentAccountConnection', throttlingRate: 0.3 },
    ]);
    const run = await loadtest('faults', [
      '--scenario',
      'proton-connections',
      '--accounts',
      '20',
      '--concurrency',
      '4',
      '--faults',
      faults,
      '--sdk-max-attempts',
      '10',
    ]);
    expect(run.code).toBe(0);
    const s = run.summary as Summary;
    expect(s.operations['create-connection']).toMatchObject({ count: 20, errors: 0 });
    // 20 creates under 30% throttling: retries are all but certain (0.7^20 < 0.1%).
    expect(s.operations['create-connection'].retries).toBeGreaterThan(0);
    expect(s.operations['accept-connection'].retries).toBe(0);
    // Each injected throttle (the API's count, from its /metrics) cost the SDK one retry.
    expect(s.injectedFaults).toEqual({
      'aws/ThrottlingException': s.operations['create-connection'].retries,
    });
    expect(s.audit).toMatchObject({ ok: true, lost: 0, inconsistent: 0 });
  });

  it('writes a self-contained HTML report whose charts render in Chromium and whose audit table shows the run', async () => {
    const report = join(dir, 'report.html');
    const run = await loadtest('report', [
      '--scenario',
      'proton-connections',
      '--accounts',
      '12',
      '--concurrency',
      '4',
      '--report',
      report,
    ]);
    expect(run.code).toBe(0);
    const s = run.summary as Summary;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${report}`);
      // Throughput, errors, and one latency chart per operation.
      const operations = Object.keys(s.operations).length;
      expect(await page.getAttribute('body', 'data-charts')).toBe(String(operations + 2));
      const painted = await page.evaluate(() =>
        [...document.querySelectorAll('canvas')].map((canvas) => {
          const { width, height } = canvas;
          const pixels = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
            0,
            0,
            width,
            height,
          ).data;
          let opaque = 0;
          for (let i = 3; i < pixels.length; i += 4) {
            if (pixels[i] > 0) {
              opaque++;
            }
          }
          return opaque;
        }),
      );
      expect(painted).toHaveLength(operations + 2);
      expect(painted.every((n) => n > 1000)).toBe(true);
      const audit = await page.$$eval('#audit tbody tr', (rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)),
      );
      expect(audit).toEqual(
        s.audit.checks.map((c) => [
          c.name,
          String(c.expected),
          String(c.actual),
          c.ok ? 'ok' : 'FAILED',
        ]),
      );
      expect(await page.textContent('#verdict')).toBe(
        'Audit PASSED: 12 flows, 0 lost, 0 inconsistent',
      );
      expect(await page.textContent('#flows')).toBe('12');
      const created = await page.$$eval('#operations tbody tr', (rows) =>
        rows
          .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))
          .find((c) => c[0] === 'create-connection'),
      );
      expect(created?.[1]).toBe('12');
      expect(errors).toEqual([]);
      // Nothing but the file itself: no chart library or font from the network.
      expect(requests).toEqual([`file://${report}`]);
      const shots = join(config.dataDir, 'screenshots', 'loadtest');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
