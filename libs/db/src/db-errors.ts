import { DatabaseError } from 'pg';

/**
 * True when a write broke a unique constraint (SQLSTATE 23505), e.g. a write sent with COMMIT
 * (atCommit) that a concurrent transaction beat: the caller may run its transaction again, and
 * its reads then see the winner.
 */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === '23505';
}
