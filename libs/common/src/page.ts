import { AppError } from './app-error';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  items: T[];
  /** Cursor of each item, in order. */
  cursors: string[];
  hasNextPage: boolean;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) {
    return DEFAULT_PAGE_SIZE;
  }
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw AppError.badInput('first', `first must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells whether another page
 * exists, so no COUNT query is ever needed.
 */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, cursors: items.map(cursorOf), hasNextPage: rows.length > limit };
}
