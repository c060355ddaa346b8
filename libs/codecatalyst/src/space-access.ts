import type { Tx } from '@accountlink/db';
import type { SpaceRole } from './domain/space-rules';

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** The user's role in the space, or null when not a member (or there is no such space). */
export async function roleInSpace(
  tx: Tx,
  tenantId: string,
  userId: string,
  spaceId: string,
): Promise<SpaceRole | null> {
  if (!isUuid(spaceId)) {
    return null;
  }
  const member = await tx.spaceMember.findFirst({
    where: { tenantId, spaceId, userId },
    select: { role: true },
  });
  return member?.role ?? null;
}

/**
 * Locks the space row, then reads the user's role in it: decisions that depend on membership or
 * billing are taken one after the other, against committed members.
 */
export async function lockSpaceAndRole(
  tx: Tx,
  tenantId: string,
  userId: string,
  spaceId: string,
): Promise<SpaceRole | null> {
  if (!isUuid(spaceId)) {
    return null;
  }
  await tx.$executeRaw`SELECT 1 FROM "spaces" WHERE "id" = ${spaceId}::uuid FOR UPDATE`;
  return roleInSpace(tx, tenantId, userId, spaceId);
}
