import { evaluateAssumeRole, parseRoleArn, parseTrustPolicy } from '@accountlink/iam';
import { spaceArn } from './space-rules';

export const CODECATALYST_PRINCIPALS = [
  'codecatalyst.amazonaws.com',
  'codecatalyst-runner.amazonaws.com',
] as const;

export interface RoleSnapshot {
  path: string;
  roleName: string;
  assumeRolePolicyDocument: string;
}

export interface RoleCheck {
  status: 'VALID' | 'INVALID';
  reason: string | null;
}

/**
 * Whether the space can use the role: it exists in the connection's account (path and name as in
 * the ARN), and its trust policy lets codecatalyst.amazonaws.com or
 * codecatalyst-runner.amazonaws.com assume it with the space, or a project of the space, as
 * aws:SourceArn (trust policies usually say `ArnLike aws:SourceArn .../space/<id>/project/*`).
 */
export function checkCodeCatalystRole(
  roleArn: string,
  role: RoleSnapshot | null,
  context: { accountId: string; spaceId: string },
): RoleCheck {
  const parsed = parseRoleArn(roleArn);
  if (!parsed || parsed.accountId !== context.accountId) {
    return {
      status: 'INVALID',
      reason: `${roleArn} is not a role ARN of account ${context.accountId}`,
    };
  }
  if (!role) {
    return {
      status: 'INVALID',
      reason: `Role ${parsed.roleName} does not exist in account ${context.accountId}`,
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
  const space = spaceArn(context.spaceId);
  const sources = [space, `${space}/project/00000000-0000-0000-0000-000000000000`];
  let lastReason = '';
  for (const service of CODECATALYST_PRINCIPALS) {
    for (const source of sources) {
      const decision = evaluateAssumeRole(policy.policy, {
        principal: { type: 'Service', id: service },
        context: { 'aws:SourceArn': source, 'aws:SourceAccount': context.accountId },
      });
      if (decision.decision === 'ALLOW') {
        return { status: 'VALID', reason: null };
      }
      lastReason = decision.reason;
    }
  }
  return {
    status: 'INVALID',
    reason: `The trust policy of ${roleArn} does not let ${CODECATALYST_PRINCIPALS.join(' or ')} assume it for space ${context.spaceId} (${lastReason})`,
  };
}
