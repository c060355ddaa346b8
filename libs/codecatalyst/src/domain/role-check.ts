import { evaluateAssumeRole, resolveAssumableRole, RoleRecord } from '@accountlink/iam';
import { spaceArn } from './space-rules';

export const CODECATALYST_PRINCIPALS = [
  'codecatalyst.amazonaws.com',
  'codecatalyst-runner.amazonaws.com',
] as const;

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
  role: RoleRecord | null,
  context: { accountId: string; spaceId: string },
): RoleCheck {
  const resolved = resolveAssumableRole(roleArn, role, context.accountId);
  if (!resolved.ok) {
    return { status: 'INVALID', reason: resolved.reason };
  }
  const space = spaceArn(context.spaceId);
  const sources = [space, `${space}/project/00000000-0000-0000-0000-000000000000`];
  let lastReason = '';
  for (const service of CODECATALYST_PRINCIPALS) {
    for (const source of sources) {
      const decision = evaluateAssumeRole(resolved.policy, {
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
