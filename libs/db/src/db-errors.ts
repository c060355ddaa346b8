import { Prisma } from './generated/prisma/client';

/**
 * The unique constraint a write violated, or null. Prisma 7 with a driver adapter reports it
 * under meta.driverAdapterError.cause.constraint (there is no meta.target any more).
 */
export function uniqueViolation(error: unknown): string | null {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    const meta = error.meta as {
      driverAdapterError?: { cause?: { constraint?: { index?: string } | string } };
    };
    const constraint = meta?.driverAdapterError?.cause?.constraint;
    if (typeof constraint === 'string') {
      return constraint;
    }
    return constraint?.index ?? 'unique';
  }
  return null;
}

/** True when a row a write expected was not there (update/delete of a missing record). */
export function recordNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}
