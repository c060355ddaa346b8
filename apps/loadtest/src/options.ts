import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `usage: npm run loadtest -- --scenario <name|./module.js> [--accounts N] [--concurrency C]
         [--duration S] [--report report.html] [--json summary.json] [--url http://127.0.0.1:3000]
         [--admin-key <tenant admin key>] [--operator-token <token>] [--timeout-ms 60000]
         [--writer <scenario>] [--subscribers S] [--faults rules.json] [--sdk-max-attempts 3]
scenarios: proton-connections, proton-environments, codecatalyst-portal, read-mix, or a module path`;

const Options = z
  .object({
    scenario: z.string().min(1, 'is required'),
    accounts: z.coerce.number().int().min(1).max(100_000).default(100),
    concurrency: z.coerce.number().int().min(1).max(1024).default(16),
    duration: z.coerce.number().positive().max(86_400).nullable().default(null),
    report: z.string().min(1).nullable().default(null),
    json: z.string().min(1).nullable().default(null),
    url: z.string().url().default('http://127.0.0.1:3000'),
    adminKey: z.string().min(1).optional(),
    operatorToken: z.string().min(1).optional(),
    timeoutMs: z.coerce.number().int().min(100).max(600_000).default(60_000),
    writer: z.string().min(1).default('proton-connections'),
    subscribers: z.coerce.number().int().min(0).max(10_000).nullable().default(null),
    /** Fault injection rules for the run's tenant (the faultInjection setting), as JSON or a file of it. */
    faults: z.array(z.record(z.string(), z.unknown())).max(20).nullable().default(null),
    sdkMaxAttempts: z.coerce.number().int().min(1).max(20).default(3),
    metricsToken: z.string().min(1).optional(),
  })
  .strict()
  .refine((o) => o.concurrency <= o.accounts, {
    message: 'must not exceed --accounts (an account runs one flow at a time)',
    path: ['concurrency'],
  });

export type LoadTestOptions = z.infer<typeof Options>;

/** Thrown for a command line that cannot run; main prints it with the usage and exits 2. */
export class UsageError extends Error {}

/**
 * The command line, validated (zod, as the product's configuration). The operator token (to
 * create the run's tenant) comes from --operator-token, else OPERATOR_TOKEN, else the file the
 * local stack writes (.data/operator-token).
 */
export function parseOptions(
  argv: string[],
  env: Record<string, string | undefined>,
  root: string,
): LoadTestOptions {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: Object.fromEntries(
        [
          'scenario',
          'accounts',
          'concurrency',
          'duration',
          'report',
          'json',
          'url',
          'admin-key',
          'operator-token',
          'timeout-ms',
          'writer',
          'subscribers',
          'faults',
          'sdk-max-attempts',
        ].map((name) => [name, { type: 'string' as const }]),
      ),
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const camel: Record<string, unknown> = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  );
  if (typeof camel.faults === 'string') {
    const text = existsSync(camel.faults) ? readFileSync(camel.faults, 'utf8') : camel.faults;
    try {
      camel.faults = JSON.parse(text);
    } catch {
      throw new UsageError('--faults: neither a JSON array of fault rules nor a file holding one');
    }
  }
  camel.metricsToken ??= env.METRICS_TOKEN;
  const tokenFile = path.join(root, '.data', 'operator-token');
  camel.operatorToken ??=
    env.OPERATOR_TOKEN ??
    (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  const parsed = Options.safeParse(camel);
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map(
          (i) =>
            `--${String(i.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`,
        )
        .join('\n'),
    );
  }
  return parsed.data;
}
