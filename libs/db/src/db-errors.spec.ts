import { recordNotFound, uniqueViolation } from './db-errors';
import { Prisma } from './generated/prisma/client';

const known = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError('failed', { code, clientVersion: '7.10.0', meta });

describe('database error helpers', () => {
  it('names the violated unique constraint the way Prisma 7 driver adapters report it', () => {
    const error = known('P2002', {
      driverAdapterError: { cause: { constraint: { index: 'tenants_name_key' } } },
    });
    expect(uniqueViolation(error)).toBe('tenants_name_key');
    expect(uniqueViolation(known('P2002', {}))).toBe('unique');
  });

  it('ignores everything that is not a unique violation', () => {
    expect(uniqueViolation(known('P2025'))).toBeNull();
    expect(uniqueViolation(new Error('P2002'))).toBeNull();
    expect(recordNotFound(known('P2025'))).toBe(true);
    expect(recordNotFound(known('P2002'))).toBe(false);
  });
});
