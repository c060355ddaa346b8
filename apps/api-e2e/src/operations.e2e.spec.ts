import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  getIntrospectionQuery,
  IntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { apiUrl, createTenant, gql } from './test/client';
import { ROOT } from './test/stack';

describe('operations endpoints', () => {
  it('reports liveness and readiness (Postgres, Redis, migrations)', async () => {
    const live = await fetch(`${apiUrl()}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${apiUrl()}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { postgres: { ok: true }, redis: { ok: true }, migrations: { ok: true } },
    });
  });

  it('exposes Prometheus metrics: requests, latencies, GraphQL outcomes and queue depths', async () => {
    const tenant = await createTenant('ops');
    await gql('{ me { kind } }', {}, tenant.admin);
    await gql('{ me { kind } }');
    const res = await fetch(`${apiUrl()}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      /accountlink_http_requests_total\{method="POST",route="\/graphql",status="200",process="api"\} \d+/,
    );
    expect(text).toMatch(
      /accountlink_http_request_duration_seconds_bucket\{le="0.05",process="api",method="POST",route="\/graphql"\} \d+/,
    );
    expect(text).toMatch(
      /accountlink_graphql_operations_total\{type="query",outcome="ok",process="api"\} \d+/,
    );
    expect(text).toMatch(
      /accountlink_graphql_operations_total\{type="query",outcome="UNAUTHENTICATED",process="api"\} \d+/,
    );
    expect(text).toMatch(
      /accountlink_queue_jobs\{queue="events",state="waiting",process="api"\} \d+/,
    );
  });

  it('echoes a well-formed request id, and makes one otherwise', async () => {
    const given = await gql('{ me { kind } }', {}, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await gql(
      '{ me { kind } }',
      {},
      { headers: { 'x-request-id': 'bad id with spaces' } },
    );
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers GraphQL mistakes as BAD_USER_INPUT without stack traces', async () => {
    const tenant = await createTenant('ops2');
    const res = await gql('{ me { nope } }', {}, tenant.admin);
    expect(res.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|at .*\.js/);
  });

  it('serves exactly the committed schema.gql', async () => {
    const res = await gql<IntrospectionQuery>(getIntrospectionQuery());
    const served = printSchema(
      lexicographicSortSchema(buildClientSchema(res.data as IntrospectionQuery)),
    );
    const committed = readFileSync(join(ROOT, 'apps', 'api', 'src', 'schema.gql'), 'utf8');
    expect(`${served}\n`).toBe(committed);
  });
});
