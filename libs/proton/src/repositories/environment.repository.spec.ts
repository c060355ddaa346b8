import { randomUUID } from 'node:crypto';
import { TestDatabase } from '@accountlink/db';
import { EnvironmentRepository } from './environment.repository';

const MGMT = '100000000001';

describe('EnvironmentRepository against the real database', () => {
  const test = new TestDatabase();
  const repo = new EnvironmentRepository();
  let tenantId: string;
  const scope = () => ({ tenantId, accountId: MGMT, region: 'us-east-1' });

  beforeAll(async () => {
    tenantId = await test.tenant([MGMT]);
    await test.db.withTenant(tenantId, async (tx) => {
      const templateId = randomUUID();
      for (const [i, [templateName, major]] of (
        [
          ['web', 1],
          ['web', 2],
          ['db', 1],
          ['web', 1],
          ['db', 2],
          ['queue', 1],
        ] as const
      ).entries()) {
        await repo.insert(tx, {
          id: randomUUID(),
          tenantId,
          accountId: MGMT,
          region: 'us-east-1',
          name: `env-${String.fromCharCode(102 - i)}`, // f, e, d, c, b, a
          templateId,
          templateName,
          templateMajorVersion: major,
          templateMinorVersion: 0,
          spec: 's',
          environmentAccountId: MGMT,
          deploymentStatus: 'SUCCEEDED',
          lastDeploymentAttemptedAt: new Date(),
        });
      }
    });
  });
  afterAll(() => test.close());

  const names = async (
    filters: { templateName: string; majorVersion?: number }[] | null,
    after: string | null = null,
    limit = 50,
  ) =>
    (await test.db.withTenant(tenantId, (tx) => repo.page(tx, scope(), filters, after, limit))).map(
      (e) => e.name,
    );

  it('lists in name order with a keyset, unfiltered', async () => {
    expect(await names(null)).toEqual(['env-a', 'env-b', 'env-c', 'env-d', 'env-e', 'env-f']);
    expect(await names(null, 'env-b', 2)).toEqual(['env-c', 'env-d', 'env-e']);
  });

  it('merges template filters, with and without a major version, in name order', async () => {
    expect(await names([{ templateName: 'web', majorVersion: 1 }])).toEqual(['env-c', 'env-f']);
    expect(await names([{ templateName: 'db' }, { templateName: 'web', majorVersion: 2 }])).toEqual(
      ['env-b', 'env-d', 'env-e'],
    );
    expect(await names([{ templateName: 'web' }], 'env-c')).toEqual(['env-e', 'env-f']);
  });

  it('lists an environment once when overlapping filters match it', async () => {
    expect(
      await names([{ templateName: 'web' }, { templateName: 'web', majorVersion: 1 }]),
    ).toEqual(['env-c', 'env-e', 'env-f']);
  });
});
