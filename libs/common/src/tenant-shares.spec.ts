import { TenantShares } from './tenant-shares';

describe('TenantShares', () => {
  it('lets a tenant hold its share at once, and queues the rest in order', async () => {
    const shares = new TenantShares(2);
    const a1 = await shares.acquire('a');
    const a2 = await shares.acquire('a');
    const order: number[] = [];
    const a3 = Promise.resolve(shares.acquire('a')).then((release) => {
      order.push(3);
      return release;
    });
    const a4 = Promise.resolve(shares.acquire('a')).then((release) => {
      order.push(4);
      return release;
    });
    expect(shares.load('a')).toEqual({ active: 2, waiting: 2 });
    a1();
    (await a3)();
    a2();
    (await a4)();
    expect(order).toEqual([3, 4]);
    expect(shares.load('a')).toEqual({ active: 0, waiting: 0 });
  });

  it("does not make one tenant wait for another's share", async () => {
    const shares = new TenantShares(1);
    const heavy = await shares.acquire('heavy');
    const queued = shares.acquire('heavy');
    expect(queued).toBeInstanceOf(Promise);
    const light = shares.acquire('light');
    expect(light).not.toBeInstanceOf(Promise);
    (light as () => void)();
    heavy();
    (await queued)();
  });

  it('counts a release once, however often it is called', async () => {
    const shares = new TenantShares(1);
    const release = await shares.acquire('a');
    release();
    release();
    const again = await shares.acquire('a');
    expect(shares.load('a')).toEqual({ active: 1, waiting: 0 });
    again();
  });
});
