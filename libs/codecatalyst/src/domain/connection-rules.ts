import { randomBytes } from 'node:crypto';
import { AppError, TenantPrincipal } from '@accountlink/common';
import { SpaceRole } from './space-rules';

export type AccountConnectionStatus = 'PENDING_VERIFICATION' | 'VERIFIED' | 'REJECTED' | 'EXPIRED';

/**
 * The statuses a list shows: the pending requests, or every connection that is not pending
 * (each is its own index range, so they are named rather than negated).
 */
export function listedStatuses(pending: boolean): AccountConnectionStatus[] {
  return pending ? ['PENDING_VERIFICATION'] : ['VERIFIED', 'REJECTED', 'EXPIRED'];
}

/**
 * Whether a connection's account knows of it: only once it has used the token (verified or
 * rejected). A pending request, and one that expired unused, are the space's alone: the account
 * learns of a request only through the token its administrator is handed.
 */
export function accountKnowsOf(status: AccountConnectionStatus): boolean {
  return status === 'VERIFIED' || status === 'REJECTED';
}

/**
 * The one answer to every failed token look-up or verification (unknown, spent, expired, replaced,
 * another account's, another region's, another tenant's): the endpoint is no oracle.
 */
export const NO_PENDING_CONNECTION = 'No pending account connection matches this token';

export function noPendingConnection(): AppError {
  return AppError.notFound(NO_PENDING_CONNECTION);
}

/** `cct_` and 256 random bits; only its SHA-256 is stored. */
export function newConnectionToken(): string {
  return `cct_${randomBytes(32).toString('base64url')}`;
}

export function checkRequest(input: {
  accountId: string;
  displayName: string;
  description?: string | null;
}): void {
  if (!/^\d{12}$/.test(input.accountId)) {
    throw AppError.badInput('accountId', 'accountId must be exactly 12 digits');
  }
  if (input.displayName.trim().length === 0 || input.displayName.length > 100) {
    throw AppError.badInput('displayName', 'displayName must be 1-100 characters');
  }
  if (input.description && input.description.length > 500) {
    throw AppError.badInput('description', 'description must be at most 500 characters');
  }
}

/** Space administrators and power users request connections and see pending ones. */
export function requireConnectionManager(role: SpaceRole | null, spaceId: string): void {
  if (role === null) {
    throw AppError.notFound(`Space ${spaceId} was not found`);
  }
  if (role === 'LIMITED_ACCESS') {
    throw AppError.forbidden(
      'Only Space administrators and power users manage account connections',
    );
  }
}

export interface PendingCandidate {
  status: AccountConnectionStatus;
  accountId: string;
  expiresAt: Date;
}

/** Whether a connection found by its token may be looked up or verified by this caller, now. */
export function isVerifiable(
  connection: PendingCandidate,
  callerAccountId: string,
  now: Date,
): boolean {
  return (
    connection.status === 'PENDING_VERIFICATION' &&
    connection.accountId === callerAccountId &&
    connection.expiresAt.getTime() > now.getTime()
  );
}

export function connectionArn(region: string, accountId: string, connectionId: string): string {
  return `arn:aws:codecatalyst:${region}:${accountId}:/connections/${connectionId}`;
}

const CONNECTION_ARN =
  /^arn:aws:codecatalyst:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):\/connections\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The parts of a connection ARN, or null when it is not one. */
export function parseConnectionArn(
  arn: string,
): { region: string; accountId: string; connectionId: string } | null {
  const match = arn.length <= 1011 ? CONNECTION_ARN.exec(arn) : null;
  return match ? { region: match[1], accountId: match[2], connectionId: match[3] } : null;
}

export function liveKey(spaceId: string, accountId: string): string {
  return `${spaceId}|${accountId}`;
}

/**
 * Who sees a connection: tenant administrators, principals of its account, and members of its
 * space (pending requests: its administrators and power users only). `memberRole` is the user's
 * role in the connection's space (null when not a member, or not a user).
 */
export function canSeeConnection(
  principal: TenantPrincipal,
  connection: { accountId: string; status: AccountConnectionStatus },
  memberRole: SpaceRole | null,
): boolean {
  switch (principal.kind) {
    case 'TENANT_ADMIN':
      return true;
    case 'ACCOUNT':
      return principal.accountId === connection.accountId && accountKnowsOf(connection.status);
    case 'USER':
      return (
        memberRole !== null &&
        (connection.status !== 'PENDING_VERIFICATION' || memberRole !== 'LIMITED_ACCESS')
      );
  }
}
