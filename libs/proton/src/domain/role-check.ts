import { evaluateAssumeRole, resolveAssumableRole, RoleRecord } from '@accountlink/iam';
import { RoleKind, ROLE_FIELDS } from './connection-rules';

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
  role: RoleRecord | null,
  context: { environmentAccountId: string; managementAccountId: string },
): RoleCheck {
  const resolved = resolveAssumableRole(roleArn, role, context.environmentAccountId);
  if (!resolved.ok) {
    return { status: 'INVALID', reason: resolved.reason };
  }
  const service = serviceFor(kind);
  const decision = evaluateAssumeRole(resolved.policy, {
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
