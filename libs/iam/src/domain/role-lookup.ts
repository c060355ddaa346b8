import { parseRoleArn } from './iam-rules';
import { parseTrustPolicy, TrustPolicy } from './trust-policy';

export interface RoleRecord {
  path: string;
  roleName: string;
  assumeRolePolicyDocument: string;
}

export type AssumableRole = { ok: true; policy: TrustPolicy } | { ok: false; reason: string };

/**
 * The first half of an sts:AssumeRole as AWS performs it: the ARN names a role of the expected
 * account, the role exists with exactly that path and name, and its trust policy is readable.
 * Callers then evaluate the policy for their service principal and context.
 */
export function resolveAssumableRole(
  roleArn: string,
  role: RoleRecord | null,
  accountId: string,
): AssumableRole {
  const parsed = parseRoleArn(roleArn);
  if (!parsed || parsed.accountId !== accountId) {
    return { ok: false, reason: `${roleArn} is not a role ARN of account ${accountId}` };
  }
  if (!role) {
    return { ok: false, reason: `Role ${parsed.roleName} does not exist in account ${accountId}` };
  }
  if (role.path !== parsed.path || role.roleName !== parsed.roleName) {
    return {
      ok: false,
      reason: `Role ${role.roleName} exists with path ${role.path}, not as ${roleArn}`,
    };
  }
  const policy = parseTrustPolicy(role.assumeRolePolicyDocument);
  if (!policy.ok) {
    return { ok: false, reason: `The trust policy of ${roleArn} is invalid: ${policy.message}` };
  }
  return { ok: true, policy: policy.policy };
}
