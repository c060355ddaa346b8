import { Principal } from '@accountlink/common';
import { canSeeEvent, EventMessage } from './event-message';

const event: EventMessage = {
  id: '1',
  occurredAt: new Date(0).toISOString(),
  tenantId: 't1',
  type: 'iam.role.created',
  aggregateType: 'Role',
  aggregateId: 'r1',
  accountIds: ['111111111111'],
  payload: {},
};

const admin = (tenantId: string): Principal => ({
  kind: 'TENANT_ADMIN',
  tenantId,
  tenantName: 'x',
  keyId: 'k',
});
const account = (tenantId: string, accountId: string): Principal => ({
  kind: 'ACCOUNT',
  tenantId,
  tenantName: 'x',
  accountId,
  keyId: 'k',
});

describe('canSeeEvent', () => {
  it('lets administrators and the concerned account of the same tenant see it', () => {
    expect(canSeeEvent(admin('t1'), event)).toBe(true);
    expect(canSeeEvent(account('t1', '111111111111'), event)).toBe(true);
  });

  it('hides it from other tenants, even with the same account id, and from the operator', () => {
    expect(canSeeEvent(admin('t2'), event)).toBe(false);
    expect(canSeeEvent(account('t2', '111111111111'), event)).toBe(false);
    expect(canSeeEvent({ kind: 'OPERATOR' }, event)).toBe(false);
  });

  it('hides it from other accounts, and tenant-wide events from every account', () => {
    expect(canSeeEvent(account('t1', '222222222222'), event)).toBe(false);
    expect(canSeeEvent(account('t1', '111111111111'), { ...event, accountIds: [] })).toBe(false);
  });

  it('lets every account of the audience see it (both sides of a connection)', () => {
    const both = { ...event, accountIds: ['111111111111', '222222222222'] };
    expect(canSeeEvent(account('t1', '222222222222'), both)).toBe(true);
    expect(canSeeEvent(account('t1', '111111111111'), both)).toBe(true);
    expect(canSeeEvent(account('t1', '333333333333'), both)).toBe(false);
  });

  it('lets the users it names see it, in its tenant only, and no other user', () => {
    const user = (tenantId: string, userId: string): Principal => ({
      kind: 'USER',
      tenantId,
      tenantName: 'x',
      userId,
      keyId: 'k',
    });
    const named = { ...event, userIds: ['u1'] };
    expect(canSeeEvent(user('t1', 'u1'), named)).toBe(true);
    expect(canSeeEvent(user('t1', 'u2'), named)).toBe(false);
    expect(canSeeEvent(user('t2', 'u1'), named)).toBe(false);
    expect(canSeeEvent(user('t1', 'u1'), event)).toBe(false);
  });
});
