import { evaluateAssumeRole, parseRoleArn, parseTrustPolicy } from '@accountlink/iam';
import { RoleKind, ROLE_FIELDS } from './connection-rules';

export interface RoleSnapshot {
  accountId: string;
  path: string;
  roleName: string;
  assumeRolePolicyDocument: string;
}

export interface RoleCheck {
  status: 'VALID' | 'INVALID';
  reason: string | null;
}

/**
 * What AWS would find when assuming a connection's role: it must exist in the environment
 * account (same path and name as the ARN), and its trust policy must let the service of this role
 * kind assume it with the management account as aws:SourceAccount.
 */
export function checkConnectionRole(
  kind: RoleKind,
  roleArn: string,
  role: RoleSnapshot | null,
  context: { environmentAccountId: string; managementAccountId: string },
): RoleCheck {
  const parsed = parseRoleArn(roleArn);
  if (!parsed || parsed.accountId !== context.environmentAccountId) {
    return {
      status: 'INVALID',
      reason: `${roleArn} is not a role ARN of account ${context.environmentAccountId}`,
    };
  }
  if (!role) {
    return {
      status: 'INVALID',
      reason: `Role ${parsed.roleName} does not exist in account ${context.environmentAccountId}`,
    };
  }
  if (role.path !== parsed.path || role.roleName !== parsed.roleName) {
    return {
      status: 'INVALID',
      reason: `Role ${role.roleName} exists with path ${role.path}, not as ${roleArn}`,
    };
  }
  const policy = parseTrustPolicy(role.assumeRolePolicyDocument);
  if (!policy.ok) {
    return {
      status: 'INVALID',
      reason: `The trust policy of ${roleArn} is invalid: ${policy.message}`,
    };
  }
  const service = serviceFor(kind);
  const decision = evaluateAssumeRole(policy.policy, {
    principal: { type: 'Service', id: service },
    context: { 'aws:SourceAccount': context.managementAccountId },
  });
  if (decision.decision !== 'ALLOW') {
    return { status: 'INVALID', reason: `${roleArn}: ${decision.reason}` };
  }
  return { status: 'VALID', reason: null };
}

export function serviceFor(kind: RoleKind): string {
  const entry = ROLE_FIELDS.find((f) => f.kind === kind);
  return entry ? entry.service : 'proton.amazonaws.com';
}
