import { createHash } from 'node:crypto';
import { AppError, checkString, checkTags, Tag } from '@accountlink/common';

export type ConnectionStatus = 'PENDING' | 'CONNECTED' | 'REJECTED';
export type RoleKind = 'ROLE' | 'CODEBUILD_ROLE' | 'COMPONENT_ROLE';
export type Side = 'ENVIRONMENT' | 'MANAGEMENT';

/** Field patterns of the Proton API model, verbatim. */
export const PATTERNS = {
  resourceName: /^[0-9A-Za-z]+[0-9A-Za-z_-]*$/,
  accountId: /^\d{12}$/,
  roleArn:
    /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/([\w+=,.@-]{1,512}[/:])*([\w+=,.@-]{1,64})$/,
  clientToken: /^[!-~]*$/,
  id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  resourceArn:
    /^arn:(aws|aws-cn|aws-us-gov):[a-zA-Z0-9-]+:[a-zA-Z0-9-]*:\d{12}:([\w+=,.@-]+[/:])*[\w+=,.@-]+$/,
} as const;

export const LIMITS = {
  resourceName: 100,
  roleArn: 2048,
  clientToken: 64,
  resourceArn: 200,
};

export function checkId(field: string, id: string): void {
  checkString(field, id, PATTERNS.id, 36, 36);
}

export interface ConnectionRoles {
  roleArn?: string | null;
  codebuildRoleArn?: string | null;
  componentRoleArn?: string | null;
}

export interface CreateConnectionInput extends ConnectionRoles {
  environmentName: string;
  managementAccountId: string;
  clientToken?: string | null;
  tags?: Tag[] | null;
}

export const ROLE_FIELDS: readonly {
  field: keyof ConnectionRoles;
  kind: RoleKind;
  service: string;
}[] = [
  { field: 'roleArn', kind: 'ROLE', service: 'proton.amazonaws.com' },
  { field: 'codebuildRoleArn', kind: 'CODEBUILD_ROLE', service: 'codebuild.amazonaws.com' },
  { field: 'componentRoleArn', kind: 'COMPONENT_ROLE', service: 'proton.amazonaws.com' },
];

/** Role ARNs: the pattern, and they must name roles of the environment account. */
export function checkRoles(roles: ConnectionRoles, environmentAccountId: string): void {
  for (const { field } of ROLE_FIELDS) {
    const arn = roles[field];
    if (arn === undefined || arn === null) {
      continue;
    }
    checkString(field, arn, PATTERNS.roleArn, 1, LIMITS.roleArn);
    const account = arn.split(':')[4];
    if (account !== environmentAccountId) {
      throw AppError.badInput(
        field,
        `${field} must be a role in the environment account ${environmentAccountId}, not in ${account}`,
      );
    }
  }
  if (!roles.roleArn && !roles.codebuildRoleArn) {
    throw AppError.badInput(
      'roleArn',
      'You must specify at least one of roleArn and codebuildRoleArn',
    );
  }
}

export function checkCreate(input: CreateConnectionInput, environmentAccountId: string): void {
  checkString(
    'environmentName',
    input.environmentName,
    PATTERNS.resourceName,
    1,
    LIMITS.resourceName,
  );
  checkString('managementAccountId', input.managementAccountId, PATTERNS.accountId, 12, 12);
  if (input.managementAccountId === environmentAccountId) {
    throw AppError.badInput(
      'managementAccountId',
      'managementAccountId must be another account than the environment account',
    );
  }
  if (input.clientToken !== undefined && input.clientToken !== null) {
    checkString('clientToken', input.clientToken, PATTERNS.clientToken, 0, LIMITS.clientToken);
  }
  checkRoles(input, environmentAccountId);
  checkTags(input.tags ?? []);
}

/** The live-uniqueness key: one PENDING or CONNECTED connection per accounts, name and region. */
export function liveKey(c: {
  environmentAccountId: string;
  managementAccountId: string;
  environmentName: string;
  region: string;
}): string {
  return [c.environmentAccountId, c.managementAccountId, c.environmentName, c.region].join('|');
}

/** Fingerprint of a create request, to tell a retry (same token, same request) from a misuse. */
export function requestHash(input: CreateConnectionInput, region: string): string {
  const canonical = {
    region,
    environmentName: input.environmentName,
    managementAccountId: input.managementAccountId,
    roleArn: input.roleArn ?? null,
    codebuildRoleArn: input.codebuildRoleArn ?? null,
    componentRoleArn: input.componentRoleArn ?? null,
    tags: [...(input.tags ?? [])]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((t) => [t.key, t.value]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export function connectionArn(region: string, environmentAccountId: string, id: string): string {
  return `arn:aws:proton:${region}:${environmentAccountId}:environment-account-connection/${id}`;
}

/** Parses a connection ARN into its parts, or null when it is not one. */
export function parseConnectionArn(
  arn: string,
): { region: string; environmentAccountId: string; id: string } | null {
  const match =
    /^arn:aws:proton:([a-z0-9-]+):(\d{12}):environment-account-connection\/([0-9a-f-]{36})$/.exec(
      arn,
    );
  if (!match) {
    return null;
  }
  return {
    region: match[1] as string,
    environmentAccountId: match[2] as string,
    id: match[3] as string,
  };
}

export interface Sides {
  environmentAccountId: string;
  managementAccountId: string;
}

export function sideOf(connection: Sides, accountId: string): Side | null {
  if (connection.environmentAccountId === accountId) {
    return 'ENVIRONMENT';
  }
  if (connection.managementAccountId === accountId) {
    return 'MANAGEMENT';
  }
  return null;
}

/**
 * Who may do what: any third account is told the connection does not exist (existence never
 * leaks); the other side of the connection is told it may not do this.
 */
export function requireSide(
  connection: Sides & { id: string },
  accountId: string,
  allowed: readonly Side[],
  operation: string,
): Side {
  const side = sideOf(connection, accountId);
  if (side === null) {
    throw notFound(connection.id);
  }
  if (!allowed.includes(side)) {
    const who = side === 'ENVIRONMENT' ? 'the environment account' : 'the management account';
    throw AppError.forbidden(
      `${operation} cannot be called by ${who} of environment account connection ${connection.id}`,
    );
  }
  return side;
}

export function notFound(id: string): AppError {
  return AppError.notFound(`The environment account connection ${id} was not found`);
}

export type Transition =
  | { kind: 'CHANGE'; to: ConnectionStatus }
  | { kind: 'SAME' }
  | { kind: 'CONFLICT'; message: string };

/**
 * The state machine: PENDING → CONNECTED (accept); PENDING | CONNECTED → REJECTED (reject);
 * REJECTED is final. Repeating the transition that brought the current state is idempotent.
 */
export function transition(current: ConnectionStatus, action: 'ACCEPT' | 'REJECT'): Transition {
  if (action === 'ACCEPT') {
    switch (current) {
      case 'PENDING':
        return { kind: 'CHANGE', to: 'CONNECTED' };
      case 'CONNECTED':
        return { kind: 'SAME' };
      case 'REJECTED':
        return {
          kind: 'CONFLICT',
          message: 'A rejected environment account connection cannot be accepted',
        };
    }
  }
  switch (current) {
    case 'PENDING':
    case 'CONNECTED':
      return { kind: 'CHANGE', to: 'REJECTED' };
    case 'REJECTED':
      return { kind: 'SAME' };
  }
}

export function isLive(status: ConnectionStatus): boolean {
  return status === 'PENDING' || status === 'CONNECTED';
}
