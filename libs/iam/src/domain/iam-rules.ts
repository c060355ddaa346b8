/**
 * IAM's input rules for roles, as documented in the IAM API reference and quotas page. Validators
 * return an error message naming the field, or null when the input is acceptable, so callers can
 * map them onto whatever error shape their layer uses.
 */

export const IAM_LIMITS = {
  roleNameMaxLength: 64,
  rolePathMaxLength: 512,
  /** Role trust policy quota, counted without white space. */
  trustPolicyMaxChars: 2048,
  /** AssumeRolePolicyDocument's raw API length limit. */
  policyDocumentMaxRawChars: 131072,
  arnMaxLength: 2048,
} as const;

export const IAM_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type IamPartition = (typeof IAM_PARTITIONS)[number];

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]+$/;
// IAM publishes `^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$`, whose alternation is unanchored on
// each side; grouping it makes the whole string match one alternative.
const ROLE_PATH = /^(?:\/|\/[\u0021-\u007E]+\/)$/;
const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]{1,512}[/:])*)([\w+=,.@-]{1,64})$/;

export function validateAccountId(id: string): string | null {
  if (!ACCOUNT_ID.test(id)) {
    return `accountId must be exactly 12 digits, got "${id}"`;
  }
  return null;
}

export function validateRoleName(name: string): string | null {
  if (name.length === 0) {
    return 'roleName must not be empty';
  }
  if (name.length > IAM_LIMITS.roleNameMaxLength) {
    return `roleName must be at most ${IAM_LIMITS.roleNameMaxLength} characters, got ${name.length}`;
  }
  if (!ROLE_NAME.test(name)) {
    return `roleName "${name}" may contain only letters, digits and the characters _+=,.@-`;
  }
  return null;
}

export function validateRolePath(path: string): string | null {
  if (path.length === 0) {
    return 'path must not be empty; use "/" for the root path';
  }
  if (path.length > IAM_LIMITS.rolePathMaxLength) {
    return `path must be at most ${IAM_LIMITS.rolePathMaxLength} characters, got ${path.length}`;
  }
  if (!ROLE_PATH.test(path)) {
    return `path "${path}" must be "/" or start and end with "/" with printable ASCII characters (no spaces) in between`;
  }
  return null;
}

/**
 * Checks a trust policy against both limits IAM applies: the API's raw length, then the 2,048
 * character role trust policy quota, which IAM counts after stripping white space.
 */
export function validatePolicyDocumentSize(doc: string): string | null {
  // IAM counts characters, so an astral-plane character is one, not two UTF-16 units.
  const raw = Array.from(doc).length;
  if (raw > IAM_LIMITS.policyDocumentMaxRawChars) {
    return `policy document is ${formatCount(raw)} characters, over the limit of ${formatCount(IAM_LIMITS.policyDocumentMaxRawChars)} characters`;
  }
  const compact = Array.from(doc.replace(/\s/g, '')).length;
  if (compact > IAM_LIMITS.trustPolicyMaxChars) {
    return `policy document is ${formatCount(compact)} characters without white space, over the role trust policy limit of ${formatCount(IAM_LIMITS.trustPolicyMaxChars)} characters`;
  }
  return null;
}

/** `path` is a validated role path such as "/" or "/service-role/". */
export function roleArn(
  accountId: string,
  path: string,
  roleName: string,
  partition: IamPartition = 'aws',
): string {
  return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

export interface ParsedRoleArn {
  partition: IamPartition;
  accountId: string;
  /** "/" plus any intermediate segments, each with its trailing separator. */
  path: string;
  roleName: string;
}

export function parseRoleArn(arn: string): ParsedRoleArn | null {
  // Bounded first so a pathological input cannot make the segment regex work hard.
  if (arn.length > IAM_LIMITS.arnMaxLength) {
    return null;
  }
  const match = ROLE_ARN.exec(arn);
  if (match === null) {
    return null;
  }
  const partition = IAM_PARTITIONS.find((p) => p === match[1]);
  if (partition === undefined) {
    return null;
  }
  return { partition, accountId: match[2], path: `/${match[3]}`, roleName: match[4] };
}

/** IAM role names are unique case-insensitively, so "Admin" and "admin" collide. */
export function roleNameKey(name: string): string {
  return name.toLowerCase();
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
