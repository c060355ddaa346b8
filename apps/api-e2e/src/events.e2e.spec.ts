import { QueueName } from '@accountlink/jobs';
import { Queue } from 'bullmq';
import {
  accountKey,
  config,
  createAccount,
  createRole,
  createTenant,
  ok,
  refusedConnection,
  subscribe,
  trustPolicy,
} from './test/client';
import { ownerPool } from './test/db';
import { waitFor } from './test/stack';

const TENANT_EVENTS =
  'subscription { tenantEvents { id type aggregateType accountIds payload occurredAt } }';

interface TenantEvent {
  tenantEvents: {
    id: string;
    type: string;
    aggregateType: string;
    accountIds: string[];
    payload: string;
  };
}

describe('event backbone: outbox → worker relay → Redis → GraphQL subscriptions', () => {
  it("delivers a tenant's role events, in order, to its administrators and to nobody else", async () => {
    const a = await createTenant('ev-a');
    const b = await createTenant('ev-b');
    const accountId = await createAccount(a, '222222222222');
    await createAccount(b, '222222222222');
    const subA = await subscribe<TenantEvent>(a.admin, TENANT_EVENTS);
    const subB = await subscribe<TenantEvent>(b.admin, TENANT_EVENTS);
    try {
      await createRole(a, accountId, 'Watched');
      await ok(
        'mutation($p: String!) { updateAssumeRolePolicy(input: { accountId: "222222222222", roleName: "Watched", policyDocument: $p }) { arn } }',
        { p: trustPolicy('codebuild.amazonaws.com') },
        a.admin,
      );
      await ok(
        'mutation { deleteRole(input: { accountId: "222222222222", roleName: "Watched" }) { arn } }',
        {},
        a.admin,
      );

      const events = (await subA.take(3)).map((e) => e.tenantEvents);
      expect(events.map((e) => e.type)).toEqual([
        'iam.role.created',
        'iam.role.updated',
        'iam.role.deleted',
      ]);
      expect(
        events.every((e) => e.aggregateType === 'Role' && e.accountIds.join() === accountId),
      ).toBe(true);
      expect(JSON.parse(events[0]?.payload ?? '{}')).toMatchObject({
        arn: 'arn:aws:iam::222222222222:role/Watched',
        roleName: 'Watched',
      });
      const ids = events.map((e) => BigInt(e.id));
      expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);

      // Tenant B has the same account id; it must hear nothing of A.
      await new Promise((r) => setTimeout(r, 500));
      expect(subB.received).toEqual([]);
    } finally {
      await subA.close();
      await subB.close();
    }
  });

  it('refuses the subscription to account keys and to callers without a key', async () => {
    const t = await createTenant('ev-c');
    const key = await accountKey(t, await createAccount(t));
    const asAccount = await subscribe<TenantEvent>(key, TENANT_EVENTS);
    try {
      await waitFor(async () => asAccount.errors.length > 0, 'subscription errors', 5_000);
      expect(asAccount.errors[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(asAccount.received).toEqual([]);
    } finally {
      await asAccount.close();
    }
    // A caller without a valid key does not get past connection_init: the socket is closed
    // before it can send a document (it used to be acknowledged, and refused per subscription).
    for (const params of [{}, { authorization: 'Bearer alk_not-a-key' }]) {
      expect(await refusedConnection({}, TENANT_EVENTS, params)).toEqual({
        code: 4403,
        reason: expect.stringMatching(/valid API key/),
      });
    }
  });

  it('relays every event to the worker queue, where its job runs once (deduplicated by event id)', async () => {
    const t = await createTenant('ev-d');
    const accountId = await createAccount(t);
    await createRole(t, accountId, 'Queued');
    const { rows } = await ownerPool.query<{ id: string }>(
      `SELECT "id"::text AS id FROM outbox_events WHERE "tenantId" = $1 AND type = 'iam.role.created'`,
      [t.id],
    );
    const eventId = rows[0]?.id;
    expect(eventId).toBeDefined();
    const queue = new Queue(QueueName.Events, {
      connection: { url: config.redisUrl },
      prefix: config.redisPrefix,
    });
    try {
      const jobId = `iam.role-changed.${eventId}`;
      await waitFor(
        async () => (await queue.getJobState(jobId)) === 'completed',
        `job ${jobId} to complete`,
      );
      const job = await queue.getJob(jobId);
      expect(job?.data).toMatchObject({
        tenantId: t.id,
        accountId,
        roleNameKey: 'queued',
        eventId,
      });
      // Adding the same job id again (a re-relayed event) does not create a second job.
      await queue.add('iam.role-changed', job?.data, { jobId });
      expect(await queue.getJobState(jobId)).toBe('completed');
      const published = await ownerPool.query<{ publishedAt: Date | null }>(
        'SELECT "publishedAt" FROM outbox_events WHERE id = $1',
        [eventId],
      );
      expect(published.rows[0]?.publishedAt).toBeInstanceOf(Date);
    } finally {
      await queue.close();
    }
  });
});
