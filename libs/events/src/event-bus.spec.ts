import type { Principal } from '@accountlink/common';
import type { Redis } from 'ioredis';
import { EventBus } from './event-bus';
import type { EventMessage } from './event-message';

const event = (id: string, tenantId: string, accountIds: string[] = []): EventMessage => ({
  id,
  tenantId,
  type: 'proton.connection.created',
  aggregateType: 'EnvironmentAccountConnection',
  aggregateId: `c${id}`,
  accountIds,
  payload: {},
  occurredAt: new Date(0).toISOString(),
});

const admin = (tenantId: string): Principal => ({
  kind: 'TENANT_ADMIN',
  tenantId,
  tenantName: tenantId,
  keyId: 'k',
});

describe('EventBus', () => {
  const bus = () => new EventBus({} as Redis, 'test');

  it("delivers a tenant's events to its subscriptions only, in order, filtered by access and select", async () => {
    const b = bus();
    const account: Principal = {
      kind: 'ACCOUNT',
      tenantId: 't1',
      tenantName: 't1',
      accountId: '111111111111',
      keyId: 'k',
    };
    const all = b.subscribe(admin('t1'), () => true);
    const mine = b.subscribe(account, () => true);
    const selective = b.subscribe(admin('t1'), (e) => e.id !== '2');
    const other = b.subscribe(admin('t2'), () => true);
    b.dispatch(event('1', 't1', ['111111111111']));
    b.dispatch(event('2', 't1', ['222222222222']));
    b.dispatch(event('3', 't2'));
    expect([(await all.next()).value?.id, (await all.next()).value?.id]).toEqual(['1', '2']);
    expect((await mine.next()).value?.id).toBe('1');
    expect((await selective.next()).value?.id).toBe('1');
    expect((await other.next()).value?.id).toBe('3');
    // Nothing else is waiting for `mine`: the next event it may see resolves the pending next().
    const pending = mine.next();
    b.dispatch(event('4', 't1', ['222222222222']));
    b.dispatch(event('5', 't1', ['111111111111']));
    expect((await pending).value?.id).toBe('5');
  });

  it('gives the operator nothing', async () => {
    const b = bus();
    const operator = b.subscribe({ kind: 'OPERATOR' }, () => true);
    b.dispatch(event('1', 't1'));
    const next = operator.next();
    await operator.return?.();
    expect(await next).toEqual({ done: true, value: undefined });
  });

  it('forgets a subscription that ends, and drops the oldest events of one that falls far behind', async () => {
    const b = bus();
    const slow = b.subscribe(admin('t1'), () => true);
    const ended = b.subscribe(admin('t1'), () => true);
    expect(b.size).toBe(2);
    await ended.return?.();
    expect(b.size).toBe(1);
    for (let i = 0; i < 1_005; i++) {
      b.dispatch(event(String(i), 't1'));
    }
    expect((await slow.next()).value?.id).toBe('5');
    await slow.return?.();
    expect(b.size).toBe(0);
  });

  it('hands kept events to a sink as they are offered, queued ones first, and nothing once ended', () => {
    const b = bus();
    const subscription = b.subscribe(admin('t1'), (e) => e.id !== '3');
    b.dispatch(event('1', 't1'));
    const seen: string[] = [];
    subscription.deliverTo((e) => seen.push(e.id));
    expect(seen).toEqual(['1']);
    b.dispatch(event('2', 't1'));
    b.dispatch(event('3', 't1'));
    b.dispatch(event('4', 't2'));
    b.dispatch(event('5', 't1'));
    // In the dispatcher's own turn: no await between dispatch and delivery.
    expect(seen).toEqual(['1', '2', '5']);
    expect(subscription.ended).toBe(false);
    void subscription.return();
    expect(subscription.ended).toBe(true);
    b.dispatch(event('6', 't1'));
    expect(seen).toEqual(['1', '2', '5']);
    expect(b.size).toBe(0);
  });
});
