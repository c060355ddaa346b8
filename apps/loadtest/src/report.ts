import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from './run';

/** Chart.js's UMD build, read from node_modules and inlined: the report needs no network. */
function chartJs(): string {
  // The package exports no subpath for it: it sits beside the CommonJS entry (dist/chart.cjs).
  return readFileSync(
    path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** JSON safe inside a <script> element (no `</script>`, no `<!--`, no U+2028/9 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function table(head: string[], rows: (string | number)[][], id: string): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td>${escapeHtml(typeof c === 'number' ? num(c) : c)}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

/**
 * The run's report: one self-contained HTML file (Chart.js inlined, the run's data embedded) with
 * throughput, p50/p95/p99 per operation and errors by code over time, the audit table, the
 * operations' totals, and the world and settings used.
 */
export function renderReport(run: RunResult): string {
  const audit = run.audit;
  const verdict = audit.ok
    ? `PASSED: ${audit.flows} flows, 0 lost, 0 inconsistent`
    : `FAILED: ${audit.flows} flows, ${audit.lost} lost, ${audit.inconsistent} inconsistent`;
  const auditRows = audit.checks.map((c) => [
    c.name,
    c.expected,
    c.actual,
    c.ok ? 'ok' : 'FAILED',
    c.examples.join('; '),
  ]);
  const opRows = run.operations.map((o) => [
    o.name,
    o.count,
    o.throughput,
    o.p50,
    o.p95,
    o.p99,
    o.max,
    o.errors,
    Object.entries(o.errorsByCode)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
    o.retries,
  ]);
  const settingRows: (string | number)[][] = [
    ['scenario', run.scenario],
    ['run', `${run.runId}, started ${run.startedAt}`],
    ['API', run.url],
    ['environment accounts', run.settings.accounts],
    ['management accounts', run.settings.managementAccounts],
    ['concurrency', run.settings.concurrency],
    [
      'duration',
      run.settings.durationSeconds === null
        ? 'one flow per account'
        : `${run.settings.durationSeconds} s`,
    ],
    ['world created in', `${run.settings.worldSeconds} s`],
    ['tenant', run.settings.tenantId],
    ...Object.entries(run.settings.tenantSettings).map(([k, v]) => [`tenant setting ${k}`, v]),
    ['AWS SDK maxAttempts', run.settings.sdkMaxAttempts],
    ...run.settings.faultInjection.map((rule, i): (string | number)[] => [
      `injected fault rule ${i + 1}`,
      JSON.stringify(rule),
    ]),
    ['events received', `${run.events.received} (${run.events.duplicates} duplicates dropped)`],
    [
      'faults injected (API /metrics)',
      run.injectedFaults === null
        ? 'unknown (/metrics not readable)'
        : Object.entries(run.injectedFaults)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none',
    ],
  ];
  const operationNames = run.operations.map((o) => o.name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AccountLink load test: ${escapeHtml(run.scenario)} (${escapeHtml(run.runId)})</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #1b1f24; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
  .verdict { display: inline-block; padding: 6px 12px; border-radius: 4px; font-weight: 600; }
  .passed { background: #dafbe1; color: #0a3d1a; } .failed { background: #ffebe9; color: #6e0b0b; }
  .figures { display: flex; gap: 24px; flex-wrap: wrap; margin: 12px 0; }
  .figures div { background: #f6f8fa; padding: 8px 14px; border-radius: 4px; }
  .figures b { display: block; font-size: 20px; }
  table { border-collapse: collapse; width: 100%; margin: 4px 0; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #d0d7de; vertical-align: top; }
  th { background: #f6f8fa; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; }
  .chart { height: 260px; position: relative; }
</style>
</head>
<body>
<h1>AccountLink load test: ${escapeHtml(run.scenario)}</h1>
<p>Run ${escapeHtml(run.runId)}, started ${escapeHtml(run.startedAt)}, against ${escapeHtml(run.url)}</p>
<p id="verdict" class="verdict ${audit.ok ? 'passed' : 'failed'}">Audit ${escapeHtml(verdict)}</p>
<div class="figures">
  <div>duration<b id="duration">${num(run.durationSeconds)} s</b></div>
  <div>flows<b id="flows">${run.flows}</b></div>
  <div>throughput<b id="throughput">${num(run.throughput)} ops/s</b></div>
  <div>errors<b id="errors">${Object.values(run.errorsByCode).reduce((a, b) => a + b, 0)}</b></div>
  <div>retries<b id="retries">${run.operations.reduce((n, o) => n + o.retries, 0)}</b></div>
</div>
<h2>Throughput over time</h2>
<div class="chart"><canvas id="throughput-chart" aria-label="operations per second over time" role="img"></canvas></div>
<h2>Latency over time (p50, p95, p99 per operation, ms)</h2>
<div class="charts">${operationNames
    .map(
      (_, i) =>
        `<div class="chart"><canvas id="latency-chart-${i}" aria-label="latency of ${escapeHtml(operationNames[i])} over time" role="img"></canvas></div>`,
    )
    .join('')}</div>
<h2>Errors by code over time</h2>
<div class="chart"><canvas id="errors-chart" aria-label="errors by code over time" role="img"></canvas></div>
<h2>Consistency audit</h2>
${table(['check', 'expected', 'actual', 'result', 'examples'], auditRows, 'audit')}
<h2>Operations</h2>
${table(['operation', 'count', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'errors by code', 'retries'], opRows, 'operations')}
<h2>World and settings</h2>
${table(['setting', 'value'], settingRows, 'settings')}
<script>${chartJs()}</script>
<script id="run-data" type="application/json">${scriptJson({ intervals: run.intervals, operations: operationNames })}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('run-data').textContent);
  var t = data.intervals.map(function (i) { return i.t; });
  var points = function (values) { return values.map(function (y, k) { return { x: t[k], y: y }; }); };
  var palette = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#0550ae', '#a40e26', '#116329', '#6639ba', '#953800'];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  function axis(title) { return { title: { display: true, text: title } }; }
  function line(id, datasets, y) {
    new Chart(document.getElementById(id), {
      type: 'line',
      data: { datasets: datasets.map(function (d, k) {
        return { label: d.label, data: points(d.data), spanGaps: true, borderColor: palette[k % palette.length], backgroundColor: palette[k % palette.length], pointRadius: 0, borderWidth: 1.5 };
      }) },
      options: { parsing: false, scales: { x: Object.assign(axis('seconds since the start'), { type: 'linear', min: 0 }), y: Object.assign(axis(y), { beginAtZero: true }) }, plugins: { legend: { position: 'bottom' } } }
    });
  }
  var opsOf = function (name, f) { return data.intervals.map(function (i) { var o = i.ops[name]; return o ? f(o) : 0; }); };
  line('throughput-chart', [{ label: 'all operations', data: data.intervals.map(function (i) {
    return Object.keys(i.ops).reduce(function (n, k) { return n + i.ops[k].count; }, 0);
  }) }].concat(data.operations.map(function (name) { return { label: name, data: opsOf(name, function (o) { return o.count; }) }; })), 'operations per second');
  data.operations.forEach(function (name, n) {
    line('latency-chart-' + n, ['p50', 'p95', 'p99'].map(function (p) {
      return { label: name + ' ' + p, data: opsOf(name, function (o) { return o.count ? o[p] : null; }) };
    }), 'ms');
  });
  var codes = {};
  data.intervals.forEach(function (i) { Object.keys(i.errors).forEach(function (c) { codes[c] = true; }); });
  var codeList = Object.keys(codes);
  line('errors-chart', codeList.length ? codeList.map(function (c) {
    return { label: c, data: data.intervals.map(function (i) { return i.errors[c] || 0; }) };
  }) : [{ label: 'no errors', data: data.intervals.map(function () { return 0; }) }], 'errors per second');
  document.body.setAttribute('data-charts', String(Object.keys(Chart.instances).length));
})();
</script>
</body>
</html>
`;
}
