import { AppError, Principal } from '@accountlink/common';
import { RequestContext } from './request-context';

const account: Principal = {
  kind: 'ACCOUNT',
  tenantId: 't1',
  tenantName: 'x',
  accountId: '111111111111',
  keyId: 'k',
};

describe('RequestContext.loadForTenant', () => {
  it("makes the loads of one tick one fetch, for the caller's tenant, in the order asked", async () => {
    const ctx = new RequestContext(async () => account, undefined, 'r1');
    const calls: [string, readonly string[]][] = [];
    const fetch = async (tenantId: string, ids: readonly string[]) => {
      calls.push([tenantId, ids]);
      return ids.map((id) => `${tenantId}/${id}`);
    };
    const loaded = await Promise.all([
      ctx.loadForTenant('k', fetch, 'a'),
      ctx.loadForTenant('k', fetch, 'b'),
    ]);
    expect(loaded).toEqual(['t1/a', 't1/b']);
    expect(calls).toEqual([['t1', ['a', 'b']]]);
  });

  it('refuses the operator, who has no tenant', async () => {
    const ctx = new RequestContext(async () => ({ kind: 'OPERATOR' }), undefined, 'r2');
    await expect(ctx.loadForTenant('k', async () => [], 'a')).rejects.toBeInstanceOf(AppError);
  });
});
