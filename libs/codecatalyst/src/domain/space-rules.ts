import { AppError } from '@accountlink/common';

export type SpaceRole = 'SPACE_ADMINISTRATOR' | 'POWER_USER' | 'LIMITED_ACCESS';

/** The Regions CodeCatalyst spaces can live in. */
export const CODECATALYST_REGIONS: readonly string[] = ['us-west-2', 'eu-west-1'];

const SPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,62}$/;

export function checkSpaceName(name: string): void {
  if (!SPACE_NAME.test(name)) {
    throw AppError.badInput(
      'name',
      'name must be 3-63 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
}

export function checkSpaceRegion(region: string): void {
  if (!CODECATALYST_REGIONS.includes(region)) {
    throw AppError.badInput(
      'region',
      `CodeCatalyst spaces can be created in ${CODECATALYST_REGIONS.join(' and ')}, not "${region.slice(0, 30)}"`,
    );
  }
}

export function spaceArn(spaceId: string): string {
  return `arn:aws:codecatalyst:::space/${spaceId}`;
}

/** Only Space administrators manage members. */
export function requireSpaceAdministrator(role: SpaceRole | null, spaceId: string): void {
  if (role === null) {
    throw AppError.notFound(`Space ${spaceId} was not found`);
  }
  if (role !== 'SPACE_ADMINISTRATOR') {
    throw AppError.forbidden('Only a Space administrator can manage the members of the space');
  }
}

/**
 * A space always keeps at least one administrator: refuses a change that would take the role from
 * the last one. `members` is the current membership; `userId` the member changed; `nextRole` its
 * role afterwards (null when removed).
 */
export function checkKeepsAdministrator(
  members: readonly { userId: string; role: SpaceRole }[],
  userId: string,
  nextRole: SpaceRole | null,
): void {
  const admins = members.filter((m) => m.role === 'SPACE_ADMINISTRATOR').map((m) => m.userId);
  const losesAdmin = admins.includes(userId) && nextRole !== 'SPACE_ADMINISTRATOR';
  if (losesAdmin && admins.length === 1) {
    throw AppError.conflict(
      'A space must keep at least one Space administrator; make another member an administrator first',
    );
  }
}

/** NOT_FOUND unless `userId` is one of the space's `members`. */
export function requireMember(members: readonly { userId: string }[], userId: string): void {
  if (!members.some((m) => m.userId === userId)) {
    throw AppError.notFound(`User ${userId.slice(0, 36)} is not a member of the space`);
  }
}
