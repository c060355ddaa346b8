import { AppError, ErrorCode } from './app-error';
import { CursorCodec } from './cursor';
import { pageSize, tagKeyset, toPage } from './page';

describe('pageSize', () => {
  it('defaults to 50 and accepts 1..100', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(null)).toBe(50);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
  });

  it.each([0, -1, 101, 2.5])('refuses %p as BAD_USER_INPUT on first', (value) => {
    let caught: unknown;
    try {
      pageSize(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe(ErrorCode.BAD_USER_INPUT);
    expect((caught as AppError).field).toBe('first');
  });
});

describe('toPage', () => {
  it('uses the extra row only to tell that a next page exists', () => {
    const page = toPage([1, 2, 3], 2, (n) => `c${n}`);
    expect(page).toEqual({ items: [1, 2], cursors: ['c1', 'c2'], hasNextPage: true });
    expect(toPage([1], 2, (n) => `c${n}`).hasNextPage).toBe(false);
  });
});

describe('tagKeyset', () => {
  it('pages by key with cursors bound to the tenant and the resource', () => {
    const codec = new CursorCodec('secret');
    const first = tagKeyset(codec, 't1', 'arn:a', null);
    expect(first.afterKey).toBeNull();
    const page = first.page([{ key: 'a' }, { key: 'b' }, { key: 'c' }], 2);
    expect(page.items).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(page.hasNextPage).toBe(true);
    const cursor = page.cursors[1] as string;
    expect(tagKeyset(codec, 't1', 'arn:a', cursor).afterKey).toBe('b');
    // Another resource's (or tenant's) cursor is refused on nextToken.
    expect(() => tagKeyset(codec, 't1', 'arn:b', cursor)).toThrow(AppError);
    expect(() => tagKeyset(codec, 't2', 'arn:a', cursor)).toThrow(AppError);
  });
});
