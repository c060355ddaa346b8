import { randomUUID } from 'node:crypto';
import { isUniqueViolation, TestDatabase } from '@accountlink/db';
import type { ConnectionStatus } from '../domain/connection-rules';
import { ConnectionListQuery, ConnectionRepository, ConnectionRow } from './connection.repository';

const ENV = '200000000001';
const OTHER_ENV = '200000000002';
const MGMT = '100000000001';

describe('ConnectionRepository against the real database', () => {
  const test = new TestDatabase();
  const repo = new ConnectionRepository();
  let tenantId: string;
  let rows: ConnectionRow[];

  beforeAll(async () => {
    tenantId = await test.tenant([ENV, OTHER_ENV, MGMT]);
    const statuses: ConnectionStatus[] = ['PENDING', 'CONNECTED', 'REJECTED'];
    const base = Date.UTC(2026, 0, 1);
    rows = [];
    await test.db.withTenant(tenantId, async (tx) => {
      for (let i = 0; i < 30; i++) {
        const at = new Date(base + Math.floor(i / 2) * 1000); // pairs share a time: the id breaks ties
        const row = await repo.insertAtCommit(tx, {
          id: randomUUID(),
          codebuildRoleArn: null,
          componentRoleArn: null,
          clientToken: null,
          tenantId,
          region: i % 10 === 9 ? 'eu-west-1' : 'us-east-1',
          environmentAccountId: i % 3 === 0 ? OTHER_ENV : ENV,
          managementAccountId: MGMT,
          environmentName: i % 4 === 0 ? 'alpha' : 'beta',
          roleArn: `arn:aws:iam::${ENV}:role/r${i}`,
          status: statuses[i % 3] as ConnectionStatus,
          liveKey: null,
          requestHash: 'h',
          requestedAt: at,
          lastModifiedAt: at,
        });
        rows.push(row as ConnectionRow);
      }
    });
  });
  afterAll(() => test.close());

  /** What a page must hold: the rows matching, in (requestedAt, id) order. */
  function expected(
    side: 'environmentAccountId' | 'managementAccountId',
    accountId: string,
    name: string | null,
    statuses: ConnectionStatus[],
  ): string[] {
    return rows
      .filter(
        (r) =>
          r.region === 'us-east-1' &&
          r[side] === accountId &&
          (name === null || r.environmentName === name) &&
          (statuses.length === 0 || statuses.includes(r.status)),
      )
      .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || (a.id < b.id ? -1 : 1))
      .map((r) => r.id);
  }

  /** Every page of a query, following the keyset from the last row of each page. */
  async function walk(
    side: 'environmentAccountId' | 'managementAccountId',
    accountId: string,
    name: string | null,
    statuses: ConnectionStatus[],
    limit: number,
  ): Promise<string[][]> {
    const pages: string[][] = [];
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const query: ConnectionListQuery = {
        tenantId,
        region: 'us-east-1',
        side,
        accountId,
        environmentName: name,
        statuses,
        after,
        limit,
      };
      const page: ConnectionRow[] = await test.db.withTenant(tenantId, (tx) =>
        repo.page(tx, query),
      );
      const items = page.slice(0, limit);
      pages.push(items.map((r) => r.id));
      const last = items.at(-1);
      if (page.length <= limit || !last) {
        return pages;
      }
      after = { at: last.requestedAt, id: last.id };
    }
  }

  it.each([
    ['managementAccountId', MGMT, null, []],
    ['managementAccountId', MGMT, null, ['REJECTED']],
    ['managementAccountId', MGMT, 'alpha', []],
    ['managementAccountId', MGMT, 'beta', ['PENDING', 'CONNECTED']],
    ['environmentAccountId', ENV, null, ['CONNECTED', 'PENDING']],
    ['environmentAccountId', OTHER_ENV, 'alpha', ['REJECTED']],
  ] as const)(
    'pages %s=%s (name %s, statuses %j) in (requestedAt, id) order, merged across statuses',
    async (side, accountId, name, statuses) => {
      const want = expected(side, accountId, name, [...statuses]);
      const pages = await walk(side, accountId, name, [...statuses], 4);
      expect(pages.flat()).toEqual(want);
      expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
    },
  );

  it('answers an empty page when no status matches', async () => {
    const page = await test.db.withTenant(tenantId, (tx) =>
      repo.page(tx, {
        tenantId,
        region: 'us-east-1',
        side: 'managementAccountId',
        accountId: MGMT,
        environmentName: 'gamma',
        statuses: ['CONNECTED'],
        after: null,
        limit: 50,
      }),
    );
    expect(page).toEqual([]);
  });

  it('returns the row it writes with COMMIT, and fails the commit when a unique key holds', async () => {
    const row = {
      id: randomUUID(),
      tenantId,
      region: 'us-east-1',
      environmentAccountId: ENV,
      managementAccountId: MGMT,
      environmentName: 'live',
      roleArn: null,
      codebuildRoleArn: null,
      componentRoleArn: null,
      status: 'PENDING' as const,
      liveKey: 'live-key',
      clientToken: null,
      requestHash: 'h',
      requestedAt: new Date(),
      lastModifiedAt: new Date(),
    };
    const written = await test.db.withTenant(tenantId, (tx) => repo.insertAtCommit(tx, row));
    const stored = await test.db.withTenant(tenantId, (tx) => repo.findById(tx, row.id));
    expect(stored).toEqual(written);
    const failure = await test.db
      .withTenant(tenantId, (tx) => repo.insertAtCommit(tx, { ...row, id: randomUUID() }))
      .catch((error: unknown) => error);
    expect(isUniqueViolation(failure)).toBe(true);
  });

  it('compares and sets on the version, once', async () => {
    const row = rows[0] as ConnectionRow;
    await test.db.withTenant(tenantId, async (tx) => {
      const won = await repo.compareAndSet(tx, row.id, row.version, { status: 'CONNECTED' });
      expect(won?.version).toBe(row.version + 1);
      expect(await repo.compareAndSet(tx, row.id, row.version, { status: 'REJECTED' })).toBeNull();
      expect((await repo.findById(tx, row.id))?.status).toBe('CONNECTED');
    });
  });

  it('locks several connections and answers them in the order asked, null for missing ones', async () => {
    const [a, b] = [rows[3] as ConnectionRow, rows[4] as ConnectionRow];
    const missing = randomUUID();
    const locked = await test.db.withTenant(tenantId, (tx) =>
      repo.lockMany(tx, tenantId, [b.id, missing, a.id]),
    );
    expect(locked.map((r) => r?.id ?? null)).toEqual([b.id, null, a.id]);
  });

  it('records a validation result only while the validation names the ARN that was checked', async () => {
    const row = rows[5] as ConnectionRow;
    const validation = async () =>
      (
        await test.db.withTenant(tenantId, (tx) => repo.validationsOf(tx, tenantId, [row.id]))
      )[0]?.[0];
    // The writes travel with COMMIT: each is checked after its transaction.
    await test.db.withTenant(tenantId, (tx) =>
      repo.insertValidations(tx, [
        { tenantId, connectionId: row.id, kind: 'ROLE', roleArn: 'arn:new' },
      ]),
    );
    await test.db.withTenant(tenantId, (tx) =>
      repo.setValidationResults(
        tx,
        [{ connectionId: row.id, kind: 'ROLE', roleArn: 'arn:old', status: 'VALID', reason: null }],
        new Date(),
      ),
    );
    expect((await validation())?.status).toBe('PENDING');
    await test.db.withTenant(tenantId, (tx) =>
      repo.setValidationResults(
        tx,
        [
          {
            connectionId: row.id,
            kind: 'ROLE',
            roleArn: 'arn:new',
            status: 'INVALID',
            reason: 'no',
          },
        ],
        new Date(),
      ),
    );
    const checked = await validation();
    expect([checked?.status, checked?.reason]).toEqual(['INVALID', 'no']);
    expect(
      (await test.db.withTenant(tenantId, (tx) => repo.firstInvalid(tx, row.id)))?.roleArn,
    ).toBe('arn:new');
  });
});
