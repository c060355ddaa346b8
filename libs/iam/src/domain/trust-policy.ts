/**
 * Simulated IAM role trust (assume-role) policies: a strict parser that refuses what IAM would
 * refuse, and an evaluator that follows AWS's decision logic (explicit deny > allow > implicit
 * deny). Reasons are written for end users, so they name the statement, operator, key and values.
 */

export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;
export type PolicyVersion = (typeof POLICY_VERSIONS)[number];

export const PRINCIPAL_TYPES = ['Service', 'AWS', 'Federated', 'CanonicalUser'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

export const BASE_CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
] as const;
export type BaseConditionOperator = (typeof BASE_CONDITION_OPERATORS)[number];
export type ConditionOperator = BaseConditionOperator | `${BaseConditionOperator}IfExists` | 'Null';

export const SUPPORTED_CONDITION_OPERATORS: readonly ConditionOperator[] = [
  ...BASE_CONDITION_OPERATORS,
  ...BASE_CONDITION_OPERATORS.map((op): ConditionOperator => `${op}IfExists`),
  'Null',
];

/** `'*'` is the bare wildcard principal; otherwise each present type lists at least one id. */
export type TrustPrincipal = '*' | Partial<Record<PrincipalType, string[]>>;

export type TrustActions = { kind: 'Action' | 'NotAction'; patterns: string[] };

/** One condition key under one operator; values are ORed, conditions are ANDed. */
export interface TrustCondition {
  operator: ConditionOperator;
  /** As written in the policy; matched against the context case-insensitively. */
  key: string;
  values: string[];
}

export interface TrustStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal: TrustPrincipal;
  actions: TrustActions;
  conditions: TrustCondition[];
}

export interface TrustPolicy {
  /** Absent when the document omits Version (IAM then applies 2008-10-17 semantics). */
  version?: PolicyVersion;
  statements: TrustStatement[];
}

export type TrustPolicyParseResult =
  { ok: true; policy: TrustPolicy } | { ok: false; message: string };

export interface AssumeRoleRequest {
  principal: { type: 'Service' | 'AWS'; id: string };
  /** Defaults to sts:AssumeRole. */
  action?: string;
  /** Global condition keys such as aws:SourceAccount; undefined means the key is absent. */
  context: Record<string, string | undefined>;
}

export interface AssumeRoleDecision {
  decision: 'ALLOW' | 'IMPLICIT_DENY' | 'EXPLICIT_DENY';
  reason: string;
  /** The statement that decided: the matching Deny or Allow. Absent for implicit denies. */
  statementIndex?: number;
}

export const DEFAULT_ASSUME_ROLE_ACTION = 'sts:AssumeRole';

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

// Thrown only inside parseTrustPolicy so nested validators can bail out with one message.
class PolicyError extends Error {}

const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
// Resource is tolerated (and ignored) because the resource of a trust policy is the role itself.
const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Principal',
  'Action',
  'NotAction',
  'Condition',
  'Resource',
];
// Service prefix, colon, action name; hyphens appear in prefixes such as codestar-connections.
const ACTION_PATTERN = /^[A-Za-z0-9_*?-]+:[A-Za-z0-9_*?]+$/;
const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):(iam|sts)::\d{12}:.+$/;

export function parseTrustPolicy(document: string): TrustPolicyParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(document);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `policy document is not valid JSON: ${detail}` };
  }
  try {
    return { ok: true, policy: parseDocument(raw) };
  } catch (err) {
    if (err instanceof PolicyError) {
      return { ok: false, message: err.message };
    }
    throw err;
  }
}

function parseDocument(raw: unknown): TrustPolicy {
  if (!isPlainObject(raw)) {
    throw new PolicyError(`policy document must be a JSON object, got ${describeJson(raw)}`);
  }
  rejectUnknownKeys(raw, DOCUMENT_KEYS, 'policy document');

  let version: PolicyVersion | undefined;
  if (raw.Version !== undefined) {
    const found = POLICY_VERSIONS.find((v) => v === raw.Version);
    if (found === undefined) {
      throw new PolicyError(
        `Version must be "2012-10-17" or "2008-10-17", got ${describeJson(raw.Version)}`,
      );
    }
    version = found;
  }
  if (raw.Id !== undefined && typeof raw.Id !== 'string') {
    throw new PolicyError(`Id must be a string, got ${describeJson(raw.Id)}`);
  }

  const statementRaw = raw.Statement;
  if (statementRaw === undefined) {
    throw new PolicyError('policy document must contain a Statement');
  }
  // IAM accepts a single statement object as shorthand for a one-element array.
  const list = Array.isArray(statementRaw) ? statementRaw : [statementRaw];
  if (list.length === 0) {
    throw new PolicyError('Statement must contain at least one statement');
  }
  const statements = list.map((s: unknown, i) => parseStatement(s, `Statement[${i}]`));
  return version === undefined ? { statements } : { version, statements };
}

function parseStatement(raw: unknown, where: string): TrustStatement {
  if (!isPlainObject(raw)) {
    throw new PolicyError(`${where} must be an object, got ${describeJson(raw)}`);
  }
  if (raw.NotPrincipal !== undefined) {
    throw new PolicyError(
      `${where}.NotPrincipal is not supported in trust policies; name the trusted principals with Principal`,
    );
  }
  rejectUnknownKeys(raw, STATEMENT_KEYS, where);

  let sid: string | undefined;
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid !== 'string') {
      throw new PolicyError(`${where}.Sid must be a string, got ${describeJson(raw.Sid)}`);
    }
    sid = raw.Sid;
  }

  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    throw new PolicyError(
      raw.Effect === undefined
        ? `${where} must have an Effect of "Allow" or "Deny"`
        : `${where}.Effect must be "Allow" or "Deny", got ${describeJson(raw.Effect)}`,
    );
  }
  const effect = raw.Effect;

  if (raw.Principal === undefined) {
    throw new PolicyError(
      `${where} must have a Principal; trust policies name who may assume the role`,
    );
  }
  const principal = parsePrincipal(raw.Principal, `${where}.Principal`);
  const actions = parseActions(raw, where);

  if (raw.Resource !== undefined) {
    parseStringList(raw.Resource, `${where}.Resource`);
  }
  const conditions = raw.Condition === undefined ? [] : parseConditions(raw.Condition, where);

  const statement: TrustStatement = { effect, principal, actions, conditions };
  if (sid !== undefined) {
    statement.sid = sid;
  }
  return statement;
}

function parsePrincipal(raw: unknown, where: string): TrustPrincipal {
  if (raw === '*') {
    return '*';
  }
  if (!isPlainObject(raw)) {
    throw new PolicyError(
      `${where} must be "*" or an object keyed by Service, AWS, Federated or CanonicalUser, got ${describeJson(raw)}`,
    );
  }
  const keys = Object.keys(raw);
  if (keys.length === 0) {
    throw new PolicyError(
      `${where} must name at least one of Service, AWS, Federated or CanonicalUser`,
    );
  }
  const principal: Partial<Record<PrincipalType, string[]>> = {};
  for (const key of keys) {
    const type = PRINCIPAL_TYPES.find((t) => t === key);
    if (type === undefined) {
      throw new PolicyError(
        `${where} has unsupported principal type "${key}"; use Service, AWS, Federated or CanonicalUser`,
      );
    }
    const ids = parseStringList(raw[key], `${where}.${type}`);
    if (type === 'AWS') {
      ids.forEach((id) => validateAwsPrincipal(id, `${where}.AWS`));
    }
    principal[type] = ids;
  }
  return principal;
}

function validateAwsPrincipal(id: string, where: string): void {
  if (id === '*' || ACCOUNT_ID.test(id)) {
    return;
  }
  if (!PRINCIPAL_ARN.test(id)) {
    throw new PolicyError(
      `${where} value "${id}" must be "*", a 12-digit account id or an IAM/STS principal ARN`,
    );
  }
  // IAM resolves principal ARNs to unique ids when the policy is saved, so it cannot expand
  // wildcards; the documented alternative is a condition on aws:PrincipalArn.
  if (/[*?]/.test(id)) {
    throw new PolicyError(
      `${where} value "${id}" must not contain wildcards; use "*" with a condition on aws:PrincipalArn instead`,
    );
  }
}

function parseActions(raw: Record<string, unknown>, where: string): TrustActions {
  const hasAction = raw.Action !== undefined;
  const hasNotAction = raw.NotAction !== undefined;
  if (hasAction === hasNotAction) {
    throw new PolicyError(
      hasAction
        ? `${where} must not have both Action and NotAction`
        : `${where} must have an Action or a NotAction`,
    );
  }
  const kind = hasAction ? 'Action' : 'NotAction';
  const patterns = parseStringList(raw[kind], `${where}.${kind}`);
  for (const pattern of patterns) {
    if (pattern !== '*' && !ACTION_PATTERN.test(pattern)) {
      throw new PolicyError(
        `${where}.${kind} value "${pattern}" must look like "service:ActionName" (wildcards * and ? allowed) or be "*"`,
      );
    }
  }
  return { kind, patterns };
}

function parseConditions(raw: unknown, where: string): TrustCondition[] {
  if (!isPlainObject(raw)) {
    throw new PolicyError(
      `${where}.Condition must be an object of operator to { key: values }, got ${describeJson(raw)}`,
    );
  }
  const conditions: TrustCondition[] = [];
  for (const [operatorName, block] of Object.entries(raw)) {
    const operator = SUPPORTED_CONDITION_OPERATORS.find((op) => op === operatorName);
    if (operator === undefined) {
      throw new PolicyError(
        `${where}.Condition uses unsupported operator "${operatorName}"; supported operators are ${SUPPORTED_CONDITION_OPERATORS.join(', ')}`,
      );
    }
    const blockWhere = `${where}.Condition.${operator}`;
    if (!isPlainObject(block)) {
      throw new PolicyError(
        `${blockWhere} must be an object of condition key to value(s), got ${describeJson(block)}`,
      );
    }
    const entries = Object.entries(block);
    if (entries.length === 0) {
      throw new PolicyError(`${blockWhere} must name at least one condition key`);
    }
    for (const [key, rawValues] of entries) {
      if (key.trim() === '') {
        throw new PolicyError(`${blockWhere} has an empty condition key`);
      }
      const values = parseConditionValues(rawValues, `${blockWhere}["${key}"]`);
      validateOperatorValues(operator, values, `${blockWhere}["${key}"]`);
      conditions.push({ operator, key, values });
    }
  }
  return conditions;
}

function parseConditionValues(raw: unknown, where: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    throw new PolicyError(`${where} must have at least one value`);
  }
  return list.map((value: unknown) => {
    // IAM stores condition values as strings, so JSON booleans and numbers are coerced.
    if (typeof value === 'string') {
      return value;
    }
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      return String(value);
    }
    throw new PolicyError(
      `${where} values must be strings, numbers or booleans, got ${describeJson(value)}`,
    );
  });
}

function validateOperatorValues(
  operator: ConditionOperator,
  values: string[],
  where: string,
): void {
  const { base } = splitOperator(operator);
  if (base === 'Null') {
    const bad = values.find((v) => v !== 'true' && v !== 'false');
    if (bad !== undefined) {
      throw new PolicyError(`${where} for Null must be "true" or "false", got "${bad}"`);
    }
    return;
  }
  if (isArnOperator(base)) {
    const bad = values.find((v) => splitArn(v) === null);
    if (bad !== undefined) {
      throw new PolicyError(
        `${where} value "${bad}" for ${operator} must be an ARN with 6 colon-separated parts (arn:partition:service:region:account:resource)`,
      );
    }
  }
}

function parseStringList(raw: unknown, where: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    throw new PolicyError(`${where} must not be an empty list`);
  }
  return list.map((value: unknown) => {
    if (typeof value !== 'string' || value === '') {
      throw new PolicyError(
        `${where} must be a non-empty string or a list of non-empty strings, got ${describeJson(value)}`,
      );
    }
    return value;
  });
}

function rejectUnknownKeys(raw: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(raw).find((k) => !allowed.includes(k));
  if (unknown !== undefined) {
    throw new PolicyError(
      `${where} has unsupported key "${unknown}"; allowed keys are ${allowed.join(', ')}`,
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  // Only JSON.parse output reaches here, so the remaining values are strings, numbers, booleans.
  return JSON.stringify(value) ?? 'nothing';
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

type ConditionOutcome = { satisfied: true } | { satisfied: false; detail: string };

type StatementMatch =
  | { stage: 'principal' }
  | { stage: 'action' }
  | { stage: 'condition'; condition: TrustCondition; detail: string }
  | { stage: 'match' };

export function evaluateAssumeRole(
  policy: TrustPolicy,
  request: AssumeRoleRequest,
): AssumeRoleDecision {
  const action = request.action ?? DEFAULT_ASSUME_ROLE_ACTION;
  const who = request.principal.id;
  const context = normalizeContext(request.context);
  const matches = policy.statements.map((s) => matchStatement(s, request, action, context));

  const denyIndex = policy.statements.findIndex(
    (s, i) => s.effect === 'Deny' && matches[i].stage === 'match',
  );
  if (denyIndex >= 0) {
    return {
      decision: 'EXPLICIT_DENY',
      reason: `${label(policy, denyIndex)} explicitly denies ${action} to ${who}`,
      statementIndex: denyIndex,
    };
  }

  const allowIndex = policy.statements.findIndex(
    (s, i) => s.effect === 'Allow' && matches[i].stage === 'match',
  );
  if (allowIndex >= 0) {
    return {
      decision: 'ALLOW',
      reason: `${label(policy, allowIndex)} allows ${who} to perform ${action}`,
      statementIndex: allowIndex,
    };
  }

  return {
    decision: 'IMPLICIT_DENY',
    reason: `trust policy does not allow ${who} to perform ${action}: ${explainNoAllow(policy, matches, who, action)}`,
  };
}

// Points users at the Allow statement that came closest, since that is the one they meant to hit.
function explainNoAllow(
  policy: TrustPolicy,
  matches: StatementMatch[],
  who: string,
  action: string,
): string {
  const allows = policy.statements
    .map((s, index) => ({ s, index, match: matches[index] }))
    .filter(({ s }) => s.effect === 'Allow');
  if (allows.length === 0) {
    return 'the policy has no Allow statement';
  }
  const rank = (m: StatementMatch): number => {
    switch (m.stage) {
      case 'principal':
        return 0;
      case 'action':
        return 1;
      case 'condition':
        return 2;
      case 'match':
        return 3;
    }
  };
  const best = allows.reduce((a, b) => (rank(b.match) > rank(a.match) ? b : a));
  const where = label(policy, best.index);
  switch (best.match.stage) {
    case 'principal':
      return `no Allow statement names ${who} as a principal`;
    case 'action':
      return `${where} trusts ${who} but does not cover ${action}`;
    case 'condition': {
      const { condition, detail } = best.match;
      return `${where} trusts ${who} but condition ${condition.operator} ${condition.key} is not satisfied (${detail})`;
    }
    case 'match':
      // Unreachable: a matching Allow is returned as ALLOW before we get here.
      return `${where} matches`;
  }
}

function label(policy: TrustPolicy, index: number): string {
  const sid = policy.statements[index].sid;
  return sid === undefined || sid === '' ? `statement ${index}` : `statement ${index} (${sid})`;
}

function matchStatement(
  statement: TrustStatement,
  request: AssumeRoleRequest,
  action: string,
  context: Map<string, string>,
): StatementMatch {
  if (!principalMatches(statement.principal, request.principal)) {
    return { stage: 'principal' };
  }
  if (!actionMatches(statement.actions, action)) {
    return { stage: 'action' };
  }
  for (const condition of statement.conditions) {
    const outcome = evaluateCondition(condition, context);
    if (!outcome.satisfied) {
      return { stage: 'condition', condition, detail: outcome.detail };
    }
  }
  return { stage: 'match' };
}

function principalMatches(principal: TrustPrincipal, who: AssumeRoleRequest['principal']): boolean {
  if (principal === '*') {
    return true;
  }
  // AWS documents {"AWS": "*"} as equivalent to "*", so it also admits service principals.
  if (principal.AWS?.includes('*')) {
    return true;
  }
  switch (who.type) {
    case 'Service':
      return principal.Service?.includes(who.id) ?? false;
    case 'AWS':
      return principal.AWS?.some((entry) => awsPrincipalMatches(entry, who.id)) ?? false;
  }
}

interface AwsIdentity {
  partition?: string;
  account: string;
  /** e.g. "root", "role/path/Name", "user/Name", "assumed-role/Name/session". */
  resource?: string;
  service?: string;
}

function parseAwsIdentity(id: string): AwsIdentity | null {
  if (ACCOUNT_ID.test(id)) {
    return { account: id };
  }
  const parts = splitArn(id);
  if (parts === null || parts[0] !== 'arn' || !ACCOUNT_ID.test(parts[4])) {
    return null;
  }
  return { partition: parts[1], service: parts[2], account: parts[4], resource: parts[5] };
}

function isAccountPrincipal(identity: AwsIdentity): boolean {
  return (
    identity.resource === undefined || (identity.service === 'iam' && identity.resource === 'root')
  );
}

function awsPrincipalMatches(entry: string, requestId: string): boolean {
  if (entry === requestId) {
    return true;
  }
  const trusted = parseAwsIdentity(entry);
  const caller = parseAwsIdentity(requestId);
  if (trusted === null || caller === null) {
    return false;
  }
  if (trusted.account !== caller.account) {
    return false;
  }
  if (
    trusted.partition !== undefined &&
    caller.partition !== undefined &&
    trusted.partition !== caller.partition
  ) {
    return false;
  }
  // Trusting an account delegates to every IAM identity in it (their own policies then decide).
  if (isAccountPrincipal(trusted)) {
    return true;
  }
  if (isAccountPrincipal(caller)) {
    return false;
  }
  // A role principal also covers that role's sessions, whose ARNs drop the role path.
  if (
    trusted.service === 'iam' &&
    trusted.resource?.startsWith('role/') === true &&
    caller.service === 'sts' &&
    caller.resource?.startsWith('assumed-role/') === true
  ) {
    const trustedRoleName = trusted.resource.split('/').at(-1);
    const callerRoleName = caller.resource.split('/')[1];
    return trustedRoleName === callerRoleName;
  }
  return false;
}

function actionMatches(actions: TrustActions, action: string): boolean {
  const listed = actions.patterns.some((p) => wildcardMatch(p, action, true));
  switch (actions.kind) {
    case 'Action':
      return listed;
    case 'NotAction':
      return !listed;
  }
}

function normalizeContext(context: Record<string, string | undefined>): Map<string, string> {
  const normalized = new Map<string, string>();
  for (const [key, value] of Object.entries(context)) {
    const lower = key.toLowerCase();
    if (value !== undefined && !normalized.has(lower)) {
      normalized.set(lower, value);
    }
  }
  return normalized;
}

function splitOperator(operator: ConditionOperator): {
  base: BaseConditionOperator | 'Null';
  ifExists: boolean;
} {
  if (operator === 'Null') {
    return { base: 'Null', ifExists: false };
  }
  const ifExists = operator.endsWith('IfExists');
  const baseName = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const base = BASE_CONDITION_OPERATORS.find((op) => op === baseName);
  if (base === undefined) {
    throw new Error(`unreachable: unknown condition operator ${operator}`);
  }
  return { base, ifExists };
}

function isArnOperator(base: BaseConditionOperator | 'Null'): boolean {
  return (
    base === 'ArnEquals' || base === 'ArnLike' || base === 'ArnNotEquals' || base === 'ArnNotLike'
  );
}

function evaluateCondition(
  condition: TrustCondition,
  context: Map<string, string>,
): ConditionOutcome {
  const { base, ifExists } = splitOperator(condition.operator);
  const value = context.get(condition.key.toLowerCase());
  const { key, values } = condition;

  if (base === 'Null') {
    const present = value !== undefined;
    // "true" asserts the key is absent; several values are ORed like any other operator.
    if (values.some((v) => (v === 'true') !== present)) {
      return { satisfied: true };
    }
    return {
      satisfied: false,
      detail: present
        ? `expected ${key} to be absent, got ${value}`
        : `expected ${key} to be present, but it is not in the request context`,
    };
  }

  const negated = isNegated(base);
  if (value === undefined) {
    // Negated operators are vacuously true for a missing key; IfExists makes every operator so.
    if (ifExists || negated) {
      return { satisfied: true };
    }
    return {
      satisfied: false,
      detail: `expected ${describeExpected(base, values)}, but ${key} is not in the request context`,
    };
  }

  const isArn = isArnOperator(base);
  const anyMatches = values.some((pattern) => valueMatches(base, pattern, value));
  // Negated operators are NOR over the listed values: none of them may match.
  if (negated ? !anyMatches : anyMatches) {
    return { satisfied: true };
  }
  const notArn = isArn && splitArn(value)?.[0] !== 'arn' ? ', which is not an ARN' : '';
  return {
    satisfied: false,
    detail: `expected ${describeExpected(base, values)}, got ${value}${notArn}`,
  };
}

function isNegated(base: BaseConditionOperator): boolean {
  switch (base) {
    case 'StringNotEquals':
    case 'StringNotLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return true;
    case 'StringEquals':
    case 'StringEqualsIgnoreCase':
    case 'StringLike':
    case 'ArnEquals':
    case 'ArnLike':
      return false;
  }
}

/** Whether `value` matches one policy value, before any negation is applied. */
function valueMatches(base: BaseConditionOperator, pattern: string, value: string): boolean {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return pattern === value;
    case 'StringEqualsIgnoreCase':
      return pattern.toLowerCase() === value.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return wildcardMatch(pattern, value, false);
    // AWS documents ArnEquals and ArnLike identically: component-wise, wildcards allowed.
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnMatches(pattern, value);
  }
}

function describeExpected(base: BaseConditionOperator, values: string[]): string {
  const list = values.join(', ');
  const many = values.length > 1;
  switch (base) {
    case 'StringEquals':
      return many ? `one of ${list}` : list;
    case 'StringEqualsIgnoreCase':
      return `${many ? `one of ${list}` : list} (ignoring case)`;
    case 'StringNotEquals':
      return `a value other than ${many ? `any of ${list}` : list}`;
    case 'StringLike':
    case 'ArnEquals':
    case 'ArnLike':
      return `a value matching ${many ? `one of ${list}` : list}`;
    case 'StringNotLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return `a value not matching ${many ? `any of ${list}` : list}`;
  }
}

/**
 * Splits an ARN into its six components; the resource keeps any further colons
 * (arn:aws:logs:us-east-1:111111111111:log-group:name). Null when there are fewer than six.
 */
function splitArn(arn: string): [string, string, string, string, string, string] | null {
  const parts = arn.split(':');
  if (parts.length < 6) {
    return null;
  }
  return [parts[0], parts[1], parts[2], parts[3], parts[4], parts.slice(5).join(':')];
}

function arnMatches(pattern: string, value: string): boolean {
  const p = splitArn(pattern);
  const v = splitArn(value);
  if (p === null || v === null || v[0] !== 'arn') {
    return false;
  }
  // Per component, so a wildcard in the region cannot swallow the account.
  return p.every((component, i) => wildcardMatch(component, v[i], false));
}

/**
 * IAM wildcards: `*` is any run of characters (even empty), `?` exactly one character.
 *
 * Without backtracking: the stars cut the pattern into segments (`?` inside them matches any one
 * character); the first segment must start the value and the last end it, and each segment in
 * between is placed at its leftmost match after the previous one. Leftmost is always right: a
 * later placement only leaves less room for the segments after it. Each segment is searched
 * once, so the work is at most |pattern| × |value| character comparisons, never exponential (a
 * regular expression's backtracking took seconds on `*?*?*?…#`).
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const fold = (text: string): string[] => Array.from(ignoreCase ? text.toLowerCase() : text);
  const v = fold(value);
  const segments = pattern.split('*').map(fold);
  if (segments.length === 1) {
    return v.length === segments[0].length && segmentAt(segments[0], v, 0);
  }
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (first.length + last.length > v.length || !segmentAt(first, v, 0)) {
    return false;
  }
  const end = v.length - last.length;
  if (!segmentAt(last, v, end)) {
    return false;
  }
  let from = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const at = leftmost(segments[i], v, from, end);
    if (at < 0) {
      return false;
    }
    from = at + segments[i].length;
  }
  return true;
}

/** Whether the segment matches the value at `at` (`?` matches any one character). */
function segmentAt(segment: string[], value: string[], at: number): boolean {
  for (let i = 0; i < segment.length; i++) {
    if (segment[i] !== '?' && segment[i] !== value[at + i]) {
      return false;
    }
  }
  return true;
}

/** The first position in [from, end − |segment|] where the segment matches, or −1. */
function leftmost(segment: string[], value: string[], from: number, end: number): number {
  for (let at = from; at + segment.length <= end; at++) {
    if (segmentAt(segment, value, at)) {
      return at;
    }
  }
  return -1;
}
