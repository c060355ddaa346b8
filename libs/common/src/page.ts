import { AppError } from './app-error';
import { CursorCodec } from './cursor';

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

/** The position of a row in a list ordered by (time, id): the usual keyset. */
export interface TimeKey {
  at: Date;
  id: string;
}

export function encodeTimeKey(codec: CursorCodec, scope: string, at: Date, id: string): string {
  return codec.encode(scope, [at.getTime(), id]);
}

/** The keyset a cursor names, null without one; BAD_USER_INPUT on `field` when forged or foreign. */
export function decodeTimeKey(
  codec: CursorCodec,
  scope: string,
  cursor: string | null | undefined,
  field = 'after',
): TimeKey | null {
  if (!cursor) {
    return null;
  }
  const key = codec.decode(scope, cursor);
  if (!key || typeof key[0] !== 'number' || typeof key[1] !== 'string') {
    throw AppError.badInput(field, `${field} is not a cursor of this list`);
  }
  return { at: new Date(key[0]), id: key[1] };
}

/** The Prisma condition "after this key" for a list ordered by (`field`, id). */
export function afterTimeKey<F extends string>(
  key: TimeKey | null,
  field: F,
): { OR?: (Record<F, { gt: Date }> | (Record<F, Date> & { id: { gt: string } }))[] } {
  if (!key) {
    return {};
  }
  return {
    OR: [
      { [field]: { gt: key.at } } as Record<F, { gt: Date }>,
      { [field]: key.at, id: { gt: key.id } } as Record<F, Date> & { id: { gt: string } },
    ],
  };
}

/** The name a cursor names, for lists ordered by a unique name; null without one. */
export function decodeNameKey(
  codec: CursorCodec,
  scope: string,
  cursor: string | null | undefined,
  field = 'after',
): string | null {
  if (!cursor) {
    return null;
  }
  const key = codec.decode(scope, cursor);
  if (!key || typeof key[0] !== 'string') {
    throw AppError.badInput(field, `${field} is not a cursor of this list`);
  }
  return key[0];
}

/**
 * ListTagsForResource's keyset (key order), with cursors bound to the tenant and the resource,
 * the same for every service whose resources carry tags.
 */
export function tagKeyset(
  codec: CursorCodec,
  tenantId: string,
  resourceArn: string,
  after: string | null | undefined,
): { afterKey: string | null; page<T extends { key: string }>(rows: T[], limit: number): Page<T> } {
  const scope = `tags:${tenantId}:${resourceArn}`;
  return {
    afterKey: decodeNameKey(codec, scope, after, 'nextToken'),
    page: (rows, limit) => toPage(rows, limit, (row) => codec.encode(scope, [row.key])),
  };
}
