import { AppError, ErrorCode } from './app-error';
import { pageSize, toPage } from './page';

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
