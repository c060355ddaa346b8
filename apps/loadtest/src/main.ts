// npm run loadtest -- --scenario <name> --accounts N --concurrency C [--duration S]
//                     [--report report.html] [--json summary.json] [--url …]
//
// A load test of a running AccountLink: a world of accounts (createWorld), the scenario's flows
// through the real edges (AWS SDK with SigV4, GraphQL, graphql-ws), a live view, then a
// consistency audit read back from the product. Exits 1 if anything was lost or inconsistent,
// 2 on a bad command line.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LoadTestOptions, parseOptions, USAGE, UsageError } from './options';
import { renderReport } from './report';
import { runLoadTest, RunResult } from './run';
import { loadScenario } from './scenarios';
import { summaryOf } from './summary';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

function print(run: RunResult): void {
  const line = (cells: (string | number)[]) => cells.map((c) => String(c).padEnd(18)).join(' ');
  const f = (n: number) => n.toFixed(1);
  console.log(
    `\n${run.scenario}: ${run.flows} flows in ${run.durationSeconds} s, ${run.throughput} ops/s`,
  );
  console.log(line(['operation', 'count', 'ops/s', 'p50/p95/p99 ms', 'errors', 'retries']));
  // (Latencies from HdrHistogram, per operation; errors include the injected ones.)
  for (const o of run.operations) {
    console.log(
      line([
        o.name,
        o.count,
        o.throughput,
        `${f(o.p50)}/${f(o.p95)}/${f(o.p99)}`,
        o.errors,
        o.retries,
      ]),
    );
  }
  console.log(
    `\naudit ${run.audit.ok ? 'PASSED' : 'FAILED'}: ${run.audit.lost} lost, ${run.audit.inconsistent} inconsistent`,
  );
  for (const c of run.audit.checks) {
    console.log(
      `  ${c.ok ? 'ok    ' : 'FAILED'} ${c.name}: ${c.actual}/${c.expected}${c.examples.length ? ` (${c.examples.join('; ')})` : ''}`,
    );
  }
}

async function main(): Promise<number> {
  let options: LoadTestOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env, ROOT);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  let scenario;
  try {
    scenario = loadScenario(options.scenario, options.writer, options.subscribers);
  } catch (error) {
    console.error(`--scenario: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const run = await runLoadTest({
    url: options.url,
    scenario,
    accounts: options.accounts,
    concurrency: options.concurrency,
    durationSeconds: options.duration,
    adminKey: options.adminKey,
    operatorToken: options.operatorToken,
    timeoutMs: options.timeoutMs,
    faults: options.faults,
    sdkMaxAttempts: options.sdkMaxAttempts,
    metricsToken: options.metricsToken,
  });
  print(run);
  if (options.json) {
    write(options.json, `${JSON.stringify(summaryOf(run), null, 2)}\n`);
    console.log(`summary: ${options.json}`);
  }
  if (options.report) {
    write(options.report, renderReport(run));
    console.log(`report: ${options.report}`);
  }
  return run.audit.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
