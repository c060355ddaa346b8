import { renderReport, scriptJson } from './report';
import type { RunResult } from './run';

const run: RunResult = {
  scenario: 'proton-connections',
  runId: 'abc123',
  startedAt: '2026-12-04T22:00:00.000Z',
  url: 'http://127.0.0.1:3000',
  settings: {
    accounts: 2,
    managementAccounts: 1,
    concurrency: 2,
    durationSeconds: null,
    tenantId: 't-1',
    tenantSettings: { requestsPerSecondPerAccount: 100000 },
    faultInjection: [{ operations: 'Create*', throttlingRate: 0.3 }],
    sdkMaxAttempts: 3,
    worldSeconds: 0.4,
  },
  durationSeconds: 1.5,
  flows: 2,
  throughput: 8,
  operations: [
    {
      name: 'create-connection',
      count: 2,
      errors: 1,
      throughput: 1.3,
      mean: 12,
      p50: 10,
      p95: 14,
      p99: 14,
      max: 14,
      errorsByCode: { ThrottlingException: 1 },
      retries: 3,
    },
  ],
  errorsByCode: { ThrottlingException: 1 },
  intervals: [
    {
      t: 1,
      ops: { 'create-connection': { count: 2, errors: 1, p50: 10, p95: 14, p99: 14, max: 14 } },
      errors: { ThrottlingException: 1 },
    },
  ],
  events: { received: 10, duplicates: 0 },
  injectedFaults: { 'aws/ThrottlingException': 4 },
  audit: {
    ok: false,
    flows: 2,
    lost: 1,
    inconsistent: 0,
    checks: [
      {
        name: 'flows completed',
        expected: 2,
        actual: 1,
        ok: false,
        examples: ['<script>alert(1)</script> create failed'],
      },
    ],
  },
};

describe('renderReport', () => {
  const html = renderReport(run);

  it('is one self-contained file: Chart.js inlined, no script, style or image from elsewhere', () => {
    expect(html).toContain('* Chart.js v4');
    expect(html.length).toBeGreaterThan(200_000);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("shows the audit's verdict and table, the operations and the settings", () => {
    expect(html).toContain('Audit FAILED: 2 flows, 1 lost, 0 inconsistent');
    expect(html).toContain('<td>flows completed</td><td>2</td><td>1</td><td>FAILED</td>');
    expect(html).toContain('<td>create-connection</td><td>2</td><td>1.3</td>');
    expect(html).toContain('ThrottlingException 1');
    expect(html).toContain('<td>tenant setting requestsPerSecondPerAccount</td><td>100000</td>');
    // Injected faults: the rules, and what they did (errors by code, the SDK's retries).
    expect(html).toContain(
      '<td>injected fault rule 1</td><td>{&quot;operations&quot;:&quot;Create*&quot;,&quot;throttlingRate&quot;:0.3}</td>',
    );
    expect(html).toContain('retries<b id="retries">3</b>');
    expect(html).toContain(
      '<td>faults injected (API /metrics)</td><td>aws/ThrottlingException 4</td>',
    );
  });

  it('escapes what the product or a scenario put in the texts', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; create failed');
  });
});

describe('scriptJson', () => {
  it('cannot close the script element it is embedded in', () => {
    const text = scriptJson({ a: '</script><!-- \u2028' });
    expect(text).not.toMatch(/<\/script|<!--|\u2028/);
    expect(JSON.parse(text)).toEqual({ a: '</script><!-- \u2028' });
  });
});
