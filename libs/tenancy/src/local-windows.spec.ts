import { localShare, LocalWindows } from './local-windows';

describe('LocalWindows', () => {
  it('counts hits per window key', () => {
    const windows = new LocalWindows();
    expect([1, 2, 3].map(() => windows.hit('a:1', 10_000))).toEqual([1, 2, 3]);
    expect(windows.hit('a:2', 10_000)).toBe(1);
    expect(windows.hit('b:1', 10_000)).toBe(1);
  });

  it('forgets a window after its time, and keeps at most `max` of them', async () => {
    const windows = new LocalWindows(2);
    windows.hit('short', 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(windows.hit('short', 5)).toBe(1);
    windows.hit('x', 10_000);
    windows.hit('y', 10_000);
    expect(windows.size).toBe(2);
  });
});

describe('localShare', () => {
  it.each([
    [100, 1, 100],
    [100, 4, 25],
    [10, 3, 3],
    [1, 8, 1],
    [5, 0, 5],
  ])('of %p among %p processes is %p', (limit, processes, share) => {
    expect(localShare(limit, processes)).toBe(share);
  });
});
