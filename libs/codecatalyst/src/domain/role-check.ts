import { AppError } from '@accountlink/common';
import { evaluateAssumeRole, resolveAssumableRole, RoleRecord } from '@accountlink/iam';
import { spaceArn } from './space-rules';

const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/([\w+=,.@-]{1,512}[/:])*([\w+=,.@-]{1,64})$/;

/**
 * AssociateIamRoleToConnection's checks of the ARN: an IAM role ARN, of the connection's account
 * (the iam:PassRole check).
 */
export function checkAssociableRoleArn(roleArn: string, accountId: string): void {
  if (roleArn.length > 2048 || !ROLE_ARN.test(roleArn)) {
    throw AppError.badInput('roleArn', 'roleArn must be an IAM role ARN');
  }
  if (roleArn.split(':')[4] !== accountId) {
    throw AppError.forbidden(
      `iam:PassRole denied: ${roleArn} is not a role of account ${accountId}`,
    );
  }
}

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
