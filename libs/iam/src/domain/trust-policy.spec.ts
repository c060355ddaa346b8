import fc from 'fast-check';
import {
  AssumeRoleDecision,
  AssumeRoleRequest,
  SUPPORTED_CONDITION_OPERATORS,
  TrustPolicy,
  evaluateAssumeRole,
  parseTrustPolicy,
  wildcardMatch,
} from './trust-policy';

const PROTON = 'proton.amazonaws.com';
const CODEBUILD = 'codebuild.amazonaws.com';
const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';

const PROTON_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: PROTON },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ],
});

function policyOf(document: unknown): TrustPolicy {
  const result = parseTrustPolicy(
    typeof document === 'string' ? document : JSON.stringify(document),
  );
  if (!result.ok) {
    throw new Error(`expected the policy to parse, got: ${result.message}`);
  }
  return result.policy;
}

function refusal(document: unknown): string {
  const result = parseTrustPolicy(
    typeof document === 'string' ? document : JSON.stringify(document),
  );
  if (result.ok) {
    throw new Error('expected the policy to be refused');
  }
  return result.message;
}

/** A one-statement policy; `extra` overrides or adds statement keys. */
function statementPolicy(extra: Record<string, unknown>): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: PROTON }, Action: 'sts:AssumeRole', ...extra },
    ],
  };
}

function service(id: string, context: AssumeRoleRequest['context'] = {}, action?: string) {
  const request: AssumeRoleRequest = { principal: { type: 'Service', id }, context };
  if (action !== undefined) {
    request.action = action;
  }
  return request;
}

function aws(id: string, context: AssumeRoleRequest['context'] = {}): AssumeRoleRequest {
  return { principal: { type: 'AWS', id }, context };
}

function decide(document: unknown, request: AssumeRoleRequest): AssumeRoleDecision {
  return evaluateAssumeRole(policyOf(document), request);
}

/** Evaluates a single-condition Allow for the proton service principal. */
function withCondition(
  condition: Record<string, unknown>,
  context: AssumeRoleRequest['context'],
): AssumeRoleDecision {
  return decide(statementPolicy({ Condition: condition }), service(PROTON, context));
}

describe('parseTrustPolicy', () => {
  describe('accepts', () => {
    it('parses the canonical Proton trust policy into a normalized form', () => {
      expect(policyOf(PROTON_TRUST_POLICY)).toEqual({
        version: '2012-10-17',
        statements: [
          {
            effect: 'Allow',
            principal: { Service: [PROTON] },
            actions: { kind: 'Action', patterns: ['sts:AssumeRole'] },
            conditions: [{ operator: 'StringEquals', key: 'aws:SourceAccount', values: [ACCOUNT] }],
          },
        ],
      });
    });

    it('accepts a single statement object instead of an array', () => {
      const policy = policyOf({
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
      });
      expect(policy.statements).toHaveLength(1);
      expect(policy.statements[0].principal).toBe('*');
    });

    it('accepts the 2008-10-17 version and a missing Version', () => {
      expect(policyOf({ ...(statementPolicy({}) as object), Version: '2008-10-17' }).version).toBe(
        '2008-10-17',
      );
      const noVersion = policyOf({ Statement: { Effect: 'Deny', Principal: '*', Action: '*' } });
      expect(noVersion.version).toBeUndefined();
      expect(noVersion.statements[0].effect).toBe('Deny');
    });

    it('keeps the Sid and tolerates Id and Resource', () => {
      const policy = policyOf({
        Version: '2012-10-17',
        Id: 'proton-trust',
        Statement: [
          {
            Sid: 'TrustProton',
            Effect: 'Allow',
            Principal: { Service: PROTON },
            Action: 'sts:AssumeRole',
            Resource: '*',
          },
        ],
      });
      expect(policy.statements[0].sid).toBe('TrustProton');
    });

    it('normalizes string and list principals of every type', () => {
      const policy = policyOf(
        statementPolicy({
          Principal: {
            Service: [PROTON, CODEBUILD],
            AWS: `arn:aws:iam::${ACCOUNT}:root`,
            Federated: 'cognito-identity.amazonaws.com',
            CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
          },
        }),
      );
      expect(policy.statements[0].principal).toEqual({
        Service: [PROTON, CODEBUILD],
        AWS: [`arn:aws:iam::${ACCOUNT}:root`],
        Federated: ['cognito-identity.amazonaws.com'],
        CanonicalUser: ['79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'],
      });
    });

    it('normalizes NotAction lists', () => {
      const policy = policyOf(
        statementPolicy({ Action: undefined, NotAction: ['sts:TagSession', 'sts:Set*'] }),
      );
      expect(policy.statements[0].actions).toEqual({
        kind: 'NotAction',
        patterns: ['sts:TagSession', 'sts:Set*'],
      });
    });

    it('coerces boolean and number condition values to strings like IAM does', () => {
      const policy = policyOf(
        statementPolicy({
          Condition: {
            StringEquals: { 'aws:SourceAccount': 111111111111, 'aws:ViaAWSService': true },
            Null: { 'aws:SourceArn': [false] },
          },
        }),
      );
      expect(policy.statements[0].conditions).toEqual([
        { operator: 'StringEquals', key: 'aws:SourceAccount', values: ['111111111111'] },
        { operator: 'StringEquals', key: 'aws:ViaAWSService', values: ['true'] },
        { operator: 'Null', key: 'aws:SourceArn', values: ['false'] },
      ]);
    });

    it('accepts every supported operator', () => {
      for (const operator of SUPPORTED_CONDITION_OPERATORS) {
        const value = operator === 'Null' ? 'true' : `arn:aws:iam::${ACCOUNT}:role/x`;
        const policy = policyOf(statementPolicy({ Condition: { [operator]: { 'aws:K': value } } }));
        expect(policy.statements[0].conditions[0].operator).toBe(operator);
      }
      expect(SUPPORTED_CONDITION_OPERATORS).toHaveLength(19);
    });

    it('accepts an empty Condition object as no conditions', () => {
      expect(policyOf(statementPolicy({ Condition: {} })).statements[0].conditions).toEqual([]);
    });

    it('accepts account ids, role/user ARNs and "*" as AWS principals', () => {
      const ids = [
        ACCOUNT,
        '*',
        `arn:aws:iam::${ACCOUNT}:root`,
        `arn:aws:iam::${ACCOUNT}:role/service-role/Deployer`,
        `arn:aws-cn:iam::${ACCOUNT}:user/alice`,
        `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/session`,
      ];
      const policy = policyOf(statementPolicy({ Principal: { AWS: ids } }));
      expect(policy.statements[0].principal).toEqual({ AWS: ids });
    });

    it('accepts service prefixes with hyphens and wildcard actions', () => {
      const patterns = [
        'codestar-connections:UseConnection',
        'sts:*',
        '*',
        'sts:Assume?ole',
        '*:*',
      ];
      expect(
        policyOf(statementPolicy({ Action: patterns })).statements[0].actions.patterns,
      ).toEqual(patterns);
    });
  });

  describe('refuses', () => {
    it('a document that is not JSON', () => {
      expect(refusal('{"Version": ')).toMatch(/^policy document is not valid JSON: /);
      expect(refusal('')).toMatch(/not valid JSON/);
    });

    it.each([
      ['an array', '[]'],
      ['null', 'null'],
      ['"policy"', '"policy"'],
      ['42', '42'],
    ])('a document that is %s rather than an object', (described, document) => {
      expect(refusal(document)).toBe(`policy document must be a JSON object, got ${described}`);
    });

    it.each([['2012-10-18'], ['2012-10-17 '], [20121017]])('Version %p', (version) => {
      expect(refusal({ ...(statementPolicy({}) as object), Version: version })).toBe(
        `Version must be "2012-10-17" or "2008-10-17", got ${JSON.stringify(version)}`,
      );
    });

    it('unknown document keys', () => {
      expect(refusal({ ...(statementPolicy({}) as object), Statements: [] })).toBe(
        'policy document has unsupported key "Statements"; allowed keys are Version, Id, Statement',
      );
    });

    it('a non-string Id', () => {
      expect(refusal({ ...(statementPolicy({}) as object), Id: 7 })).toBe(
        'Id must be a string, got 7',
      );
    });

    it('a missing Statement', () => {
      expect(refusal({ Version: '2012-10-17' })).toBe('policy document must contain a Statement');
    });

    it('an empty Statement array', () => {
      expect(refusal({ Version: '2012-10-17', Statement: [] })).toBe(
        'Statement must contain at least one statement',
      );
    });

    it('a statement that is not an object', () => {
      expect(refusal({ Statement: ['Allow'] })).toBe('Statement[0] must be an object, got "Allow"');
      expect(refusal({ Statement: null })).toBe('Statement[0] must be an object, got null');
    });

    it('a missing Effect', () => {
      expect(refusal(statementPolicy({ Effect: undefined }))).toBe(
        'Statement[0] must have an Effect of "Allow" or "Deny"',
      );
    });

    it.each([['allow'], ['Permit'], [true]])('Effect %p', (effect) => {
      expect(refusal(statementPolicy({ Effect: effect }))).toBe(
        `Statement[0].Effect must be "Allow" or "Deny", got ${JSON.stringify(effect)}`,
      );
    });

    it('names the offending statement by index', () => {
      const document = {
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: '*' },
        ],
      };
      expect(refusal(document)).toBe('Statement[1] must have an Action or a NotAction');
    });

    it('neither Action nor NotAction', () => {
      expect(refusal(statementPolicy({ Action: undefined }))).toBe(
        'Statement[0] must have an Action or a NotAction',
      );
    });

    it('both Action and NotAction', () => {
      expect(refusal(statementPolicy({ NotAction: 'sts:TagSession' }))).toBe(
        'Statement[0] must not have both Action and NotAction',
      );
    });

    it.each([['AssumeRole'], ['sts:'], [':AssumeRole'], ['sts:Assume Role'], ['sts:AssumeRole:x']])(
      'the malformed action %p',
      (action) => {
        expect(refusal(statementPolicy({ Action: action }))).toBe(
          `Statement[0].Action value "${action}" must look like "service:ActionName" (wildcards * and ? allowed) or be "*"`,
        );
      },
    );

    it('a malformed NotAction', () => {
      expect(
        refusal(statementPolicy({ Action: undefined, NotAction: ['sts:TagSession', 'x'] })),
      ).toBe(
        'Statement[0].NotAction value "x" must look like "service:ActionName" (wildcards * and ? allowed) or be "*"',
      );
    });

    it.each([
      ['an empty list', [], 'Statement[0].Action must not be an empty list'],
      [
        'a number',
        42,
        'Statement[0].Action must be a non-empty string or a list of non-empty strings, got 42',
      ],
      [
        'a list with a non-string',
        ['sts:AssumeRole', 1],
        'Statement[0].Action must be a non-empty string or a list of non-empty strings, got 1',
      ],
      [
        'an empty string',
        '',
        'Statement[0].Action must be a non-empty string or a list of non-empty strings, got ""',
      ],
    ])('an Action that is %s', (_label, action, message) => {
      expect(refusal(statementPolicy({ Action: action }))).toBe(message);
    });

    it('a missing Principal', () => {
      expect(refusal(statementPolicy({ Principal: undefined }))).toBe(
        'Statement[0] must have a Principal; trust policies name who may assume the role',
      );
    });

    it('NotPrincipal, saying it is not supported in trust policies', () => {
      const message = refusal(
        statementPolicy({ Principal: undefined, NotPrincipal: { AWS: ACCOUNT } }),
      );
      expect(message).toBe(
        'Statement[0].NotPrincipal is not supported in trust policies; name the trusted principals with Principal',
      );
    });

    it('NotPrincipal even alongside Principal', () => {
      expect(refusal(statementPolicy({ NotPrincipal: '*' }))).toMatch(
        /NotPrincipal is not supported in trust policies/,
      );
    });

    it.each([
      ['a string other than "*"', PROTON, `"${PROTON}"`],
      ['a list', [PROTON], 'an array'],
      ['null', null, 'null'],
    ])('a Principal that is %s', (_label, principal, described) => {
      expect(refusal(statementPolicy({ Principal: principal }))).toBe(
        `Statement[0].Principal must be "*" or an object keyed by Service, AWS, Federated or CanonicalUser, got ${described}`,
      );
    });

    it('an empty Principal object', () => {
      expect(refusal(statementPolicy({ Principal: {} }))).toBe(
        'Statement[0].Principal must name at least one of Service, AWS, Federated or CanonicalUser',
      );
    });

    it('an unknown principal type, including a wrongly cased one', () => {
      expect(refusal(statementPolicy({ Principal: { User: 'alice' } }))).toBe(
        'Statement[0].Principal has unsupported principal type "User"; use Service, AWS, Federated or CanonicalUser',
      );
      expect(refusal(statementPolicy({ Principal: { service: PROTON } }))).toMatch(
        /unsupported principal type "service"/,
      );
    });

    it.each([
      ['a number', 5, 'got 5'],
      ['an object', { a: 1 }, 'got an object'],
      ['a list with an empty string', [PROTON, ''], 'got ""'],
    ])('Principal values that are %s', (_label, value, got) => {
      expect(refusal(statementPolicy({ Principal: { Service: value } }))).toBe(
        `Statement[0].Principal.Service must be a non-empty string or a list of non-empty strings, ${got}`,
      );
    });

    it('an empty principal list', () => {
      expect(refusal(statementPolicy({ Principal: { Service: [] } }))).toBe(
        'Statement[0].Principal.Service must not be an empty list',
      );
    });

    it.each([['12345'], ['alice'], ['arn:aws:s3:::bucket'], [`arn:aws:iam::12345:root`]])(
      'the AWS principal %p',
      (id) => {
        expect(refusal(statementPolicy({ Principal: { AWS: id } }))).toBe(
          `Statement[0].Principal.AWS value "${id}" must be "*", a 12-digit account id or an IAM/STS principal ARN`,
        );
      },
    );

    it('wildcards inside AWS principal ARNs', () => {
      expect(
        refusal(statementPolicy({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/*` } })),
      ).toMatch(
        /must not contain wildcards; use "\*" with a condition on aws:PrincipalArn instead$/,
      );
    });

    it('unknown statement keys', () => {
      expect(refusal(statementPolicy({ Actions: 'sts:AssumeRole' }))).toBe(
        'Statement[0] has unsupported key "Actions"; allowed keys are Sid, Effect, Principal, Action, NotAction, Condition, Resource',
      );
      expect(refusal(statementPolicy({ NotResource: '*' }))).toMatch(
        /unsupported key "NotResource"/,
      );
    });

    it('a non-string Sid', () => {
      expect(refusal(statementPolicy({ Sid: 1 }))).toBe('Statement[0].Sid must be a string, got 1');
    });

    it('a malformed Resource', () => {
      expect(refusal(statementPolicy({ Resource: [] }))).toBe(
        'Statement[0].Resource must not be an empty list',
      );
    });

    it.each([
      ['a string', 'StringEquals', '"StringEquals"'],
      ['a list', [], 'an array'],
    ])('a Condition that is %s', (_label, condition, described) => {
      expect(refusal(statementPolicy({ Condition: condition }))).toBe(
        `Statement[0].Condition must be an object of operator to { key: values }, got ${described}`,
      );
    });

    it('an unknown operator, listing the supported ones', () => {
      const message = refusal(
        statementPolicy({ Condition: { NumericEquals: { 'aws:MultiFactorAuthAge': 3600 } } }),
      );
      expect(message).toMatch(
        /^Statement\[0\]\.Condition uses unsupported operator "NumericEquals"; /,
      );
      for (const operator of SUPPORTED_CONDITION_OPERATORS) {
        expect(message).toContain(operator);
      }
      expect(message).toContain('StringLikeIfExists');
      expect(message).toContain('Null');
    });

    it('operators that are close to but not exactly a supported one', () => {
      expect(refusal(statementPolicy({ Condition: { stringequals: { 'aws:K': 'v' } } }))).toMatch(
        /unsupported operator "stringequals"/,
      );
      expect(
        refusal(statementPolicy({ Condition: { NullIfExists: { 'aws:K': 'true' } } })),
      ).toMatch(/unsupported operator "NullIfExists"/);
      expect(
        refusal(statementPolicy({ Condition: { StringNotEqualsIgnoreCase: { 'aws:K': 'v' } } })),
      ).toMatch(/unsupported operator "StringNotEqualsIgnoreCase"/);
    });

    it.each([
      ['a string', 'aws:SourceAccount', '"aws:SourceAccount"'],
      ['a list', [{ 'aws:SourceAccount': ACCOUNT }], 'an array'],
    ])('an operator block that is %s', (_label, block, described) => {
      expect(refusal(statementPolicy({ Condition: { StringEquals: block } }))).toBe(
        `Statement[0].Condition.StringEquals must be an object of condition key to value(s), got ${described}`,
      );
    });

    it('an operator block without keys', () => {
      expect(refusal(statementPolicy({ Condition: { StringEquals: {} } }))).toBe(
        'Statement[0].Condition.StringEquals must name at least one condition key',
      );
    });

    it('an empty condition key', () => {
      expect(refusal(statementPolicy({ Condition: { StringEquals: { ' ': 'x' } } }))).toBe(
        'Statement[0].Condition.StringEquals has an empty condition key',
      );
    });

    it.each([
      ['null', null, 'got null'],
      ['an object', { nested: 'x' }, 'got an object'],
      ['a list containing null', [ACCOUNT, null], 'got null'],
      ['a nested list', [[ACCOUNT]], 'got an array'],
    ])('condition values that are %s', (_label, value, got) => {
      expect(
        refusal(statementPolicy({ Condition: { StringEquals: { 'aws:SourceAccount': value } } })),
      ).toBe(
        `Statement[0].Condition.StringEquals["aws:SourceAccount"] values must be strings, numbers or booleans, ${got}`,
      );
    });

    it('an empty list of condition values', () => {
      expect(
        refusal(statementPolicy({ Condition: { StringEquals: { 'aws:SourceAccount': [] } } })),
      ).toBe(
        'Statement[0].Condition.StringEquals["aws:SourceAccount"] must have at least one value',
      );
    });

    it('Null values other than true and false', () => {
      expect(refusal(statementPolicy({ Condition: { Null: { 'aws:SourceArn': 'yes' } } }))).toBe(
        'Statement[0].Condition.Null["aws:SourceArn"] for Null must be "true" or "false", got "yes"',
      );
    });

    it('Arn operator values that are not ARNs', () => {
      expect(
        refusal(statementPolicy({ Condition: { ArnLikeIfExists: { 'aws:SourceArn': '*' } } })),
      ).toBe(
        'Statement[0].Condition.ArnLikeIfExists["aws:SourceArn"] value "*" for ArnLikeIfExists must be an ARN with 6 colon-separated parts (arn:partition:service:region:account:resource)',
      );
    });
  });
});

describe('evaluateAssumeRole', () => {
  describe('the canonical Proton trust policy', () => {
    it('allows proton from the expected source account', () => {
      expect(
        decide(PROTON_TRUST_POLICY, service(PROTON, { 'aws:SourceAccount': ACCOUNT })),
      ).toEqual({
        decision: 'ALLOW',
        reason: `statement 0 allows ${PROTON} to perform sts:AssumeRole`,
        statementIndex: 0,
      });
    });

    it('refuses proton from another account, naming expected and actual values', () => {
      expect(
        decide(PROTON_TRUST_POLICY, service(PROTON, { 'aws:SourceAccount': OTHER_ACCOUNT })),
      ).toEqual({
        decision: 'IMPLICIT_DENY',
        reason:
          `trust policy does not allow ${PROTON} to perform sts:AssumeRole: statement 0 trusts ${PROTON} ` +
          `but condition StringEquals aws:SourceAccount is not satisfied (expected ${ACCOUNT}, got ${OTHER_ACCOUNT})`,
      });
    });

    it('refuses proton when aws:SourceAccount is missing', () => {
      const result = decide(PROTON_TRUST_POLICY, service(PROTON, {}));
      expect(result.decision).toBe('IMPLICIT_DENY');
      expect(result.statementIndex).toBeUndefined();
      expect(result.reason).toContain(
        `condition StringEquals aws:SourceAccount is not satisfied (expected ${ACCOUNT}, but aws:SourceAccount is not in the request context)`,
      );
    });

    it('treats an undefined context value as missing', () => {
      const result = decide(
        PROTON_TRUST_POLICY,
        service(PROTON, { 'aws:SourceAccount': undefined }),
      );
      expect(result.decision).toBe('IMPLICIT_DENY');
      expect(result.reason).toContain('is not in the request context');
    });

    it('refuses another service with a reason naming the principal', () => {
      expect(
        decide(PROTON_TRUST_POLICY, service(CODEBUILD, { 'aws:SourceAccount': ACCOUNT })),
      ).toEqual({
        decision: 'IMPLICIT_DENY',
        reason: `trust policy does not allow ${CODEBUILD} to perform sts:AssumeRole: no Allow statement names ${CODEBUILD} as a principal`,
      });
    });

    it('refuses an action the statement does not cover', () => {
      const result = decide(
        PROTON_TRUST_POLICY,
        service(PROTON, { 'aws:SourceAccount': ACCOUNT }, 'sts:TagSession'),
      );
      expect(result).toEqual({
        decision: 'IMPLICIT_DENY',
        reason: `trust policy does not allow ${PROTON} to perform sts:TagSession: statement 0 trusts ${PROTON} but does not cover sts:TagSession`,
      });
    });

    it('compares service principals exactly', () => {
      const context = { 'aws:SourceAccount': ACCOUNT };
      expect(decide(PROTON_TRUST_POLICY, service('Proton.amazonaws.com', context)).decision).toBe(
        'IMPLICIT_DENY',
      );
      expect(decide(PROTON_TRUST_POLICY, service('proton', context)).decision).toBe(
        'IMPLICIT_DENY',
      );
    });

    it('does not let an AWS principal with the same id through a Service principal', () => {
      expect(
        decide(PROTON_TRUST_POLICY, aws(PROTON, { 'aws:SourceAccount': ACCOUNT })).decision,
      ).toBe('IMPLICIT_DENY');
    });

    it('matches condition keys case-insensitively', () => {
      expect(
        decide(PROTON_TRUST_POLICY, service(PROTON, { 'AWS:SOURCEACCOUNT': ACCOUNT })).decision,
      ).toBe('ALLOW');
      expect(
        decide(PROTON_TRUST_POLICY, service(PROTON, { 'aws:sourceaccount': ACCOUNT })).decision,
      ).toBe('ALLOW');
    });

    it('uses the first defined value when the context repeats a key in different cases', () => {
      const context = { 'aws:sourceaccount': undefined, 'aws:SourceAccount': ACCOUNT };
      expect(decide(PROTON_TRUST_POLICY, service(PROTON, context)).decision).toBe('ALLOW');
    });
  });

  describe('principals', () => {
    it('"*" trusts every service and AWS principal', () => {
      const document = { Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' } };
      expect(decide(document, service(PROTON)).decision).toBe('ALLOW');
      expect(decide(document, service(CODEBUILD)).decision).toBe('ALLOW');
      expect(decide(document, aws(`arn:aws:iam::${OTHER_ACCOUNT}:role/x`)).decision).toBe('ALLOW');
    });

    it('{"AWS": "*"} is equivalent to "*"', () => {
      const document = statementPolicy({ Principal: { AWS: '*' } });
      expect(decide(document, aws(OTHER_ACCOUNT)).decision).toBe('ALLOW');
      expect(decide(document, service(CODEBUILD)).decision).toBe('ALLOW');
    });

    it('a Service list trusts each listed service and no other', () => {
      const document = statementPolicy({ Principal: { Service: [PROTON, CODEBUILD] } });
      expect(decide(document, service(PROTON)).decision).toBe('ALLOW');
      expect(decide(document, service(CODEBUILD)).decision).toBe('ALLOW');
      expect(decide(document, service('lambda.amazonaws.com')).decision).toBe('IMPLICIT_DENY');
    });

    it('Federated and CanonicalUser principals never match service or AWS callers', () => {
      const document = statementPolicy({
        Principal: { Federated: 'accounts.google.com', CanonicalUser: 'abc' },
      });
      expect(decide(document, service('accounts.google.com')).decision).toBe('IMPLICIT_DENY');
      expect(decide(document, aws('abc')).decision).toBe('IMPLICIT_DENY');
    });

    describe('AWS principals', () => {
      const role = `arn:aws:iam::${ACCOUNT}:role/service-role/Deployer`;

      it.each([
        ['a bare account id', ACCOUNT],
        ['an account root ARN', `arn:aws:iam::${ACCOUNT}:root`],
      ])('%s trusts every identity in that account', (_label, trusted) => {
        const document = statementPolicy({ Principal: { AWS: trusted } });
        expect(decide(document, aws(ACCOUNT)).decision).toBe('ALLOW');
        expect(decide(document, aws(`arn:aws:iam::${ACCOUNT}:root`)).decision).toBe('ALLOW');
        expect(decide(document, aws(role)).decision).toBe('ALLOW');
        expect(decide(document, aws(`arn:aws:iam::${ACCOUNT}:user/alice`)).decision).toBe('ALLOW');
        expect(decide(document, aws(OTHER_ACCOUNT)).decision).toBe('IMPLICIT_DENY');
        expect(decide(document, aws(`arn:aws:iam::${OTHER_ACCOUNT}:role/Deployer`)).decision).toBe(
          'IMPLICIT_DENY',
        );
      });

      it('an account root ARN does not match another partition', () => {
        const document = statementPolicy({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } });
        expect(decide(document, aws(`arn:aws-cn:iam::${ACCOUNT}:role/x`)).decision).toBe(
          'IMPLICIT_DENY',
        );
      });

      it('a role ARN trusts exactly that role and its sessions', () => {
        const document = statementPolicy({ Principal: { AWS: role } });
        expect(decide(document, aws(role)).decision).toBe('ALLOW');
        expect(
          decide(document, aws(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/build-42`)).decision,
        ).toBe('ALLOW');
        expect(decide(document, aws(`arn:aws:iam::${ACCOUNT}:role/Other`)).decision).toBe(
          'IMPLICIT_DENY',
        );
        expect(
          decide(document, aws(`arn:aws:sts::${ACCOUNT}:assumed-role/Other/build-42`)).decision,
        ).toBe('IMPLICIT_DENY');
        expect(
          decide(document, aws(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Deployer/s`)).decision,
        ).toBe('IMPLICIT_DENY');
      });

      it('a role ARN does not trust the account root or the account as a whole', () => {
        const document = statementPolicy({ Principal: { AWS: role } });
        expect(decide(document, aws(ACCOUNT)).decision).toBe('IMPLICIT_DENY');
        expect(decide(document, aws(`arn:aws:iam::${ACCOUNT}:root`)).decision).toBe(
          'IMPLICIT_DENY',
        );
      });

      it('a user ARN trusts exactly that user', () => {
        const user = `arn:aws:iam::${ACCOUNT}:user/alice`;
        const document = statementPolicy({ Principal: { AWS: [user] } });
        expect(decide(document, aws(user)).decision).toBe('ALLOW');
        expect(decide(document, aws(`arn:aws:iam::${ACCOUNT}:user/bob`)).decision).toBe(
          'IMPLICIT_DENY',
        );
      });

      it('an unparseable caller id only matches an identical entry', () => {
        const document = statementPolicy({ Principal: { AWS: ACCOUNT } });
        expect(decide(document, aws('not-an-arn')).decision).toBe('IMPLICIT_DENY');
      });

      it('AWS principals do not match service callers', () => {
        const document = statementPolicy({ Principal: { AWS: ACCOUNT } });
        expect(decide(document, service(PROTON)).decision).toBe('IMPLICIT_DENY');
      });
    });
  });

  describe('actions', () => {
    it('defaults the action to sts:AssumeRole', () => {
      const result = decide(statementPolicy({}), service(PROTON));
      expect(result.decision).toBe('ALLOW');
      expect(result.reason).toContain('sts:AssumeRole');
    });

    it('matches any action in an Action list', () => {
      const document = statementPolicy({ Action: ['sts:AssumeRole', 'sts:TagSession'] });
      expect(decide(document, service(PROTON, {}, 'sts:TagSession')).decision).toBe('ALLOW');
      expect(decide(document, service(PROTON, {}, 'sts:AssumeRole')).decision).toBe('ALLOW');
      expect(decide(document, service(PROTON, {}, 'sts:SetSourceIdentity')).decision).toBe(
        'IMPLICIT_DENY',
      );
    });

    it.each([
      ['sts:*', 'sts:AssumeRole', 'ALLOW'],
      ['sts:*', 'iam:PassRole', 'IMPLICIT_DENY'],
      ['*', 'sts:AssumeRole', 'ALLOW'],
      ['*', 'iam:PassRole', 'ALLOW'],
      ['sts:Assume*', 'sts:AssumeRole', 'ALLOW'],
      ['sts:Assume*', 'sts:AssumeRoleWithWebIdentity', 'ALLOW'],
      ['sts:Assume*', 'sts:TagSession', 'IMPLICIT_DENY'],
      ['sts:Assume?ole', 'sts:AssumeRole', 'ALLOW'],
      ['sts:Assume?ole', 'sts:AssumeRRole', 'IMPLICIT_DENY'],
      ['STS:ASSUMEROLE', 'sts:AssumeRole', 'ALLOW'],
      ['sts:assumerole', 'STS:AssumeRole', 'ALLOW'],
      ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'IMPLICIT_DENY'],
    ])('Action %s against %s is %s', (pattern, action, expected) => {
      expect(
        decide(statementPolicy({ Action: pattern }), service(PROTON, {}, action)).decision,
      ).toBe(expected);
    });

    it('NotAction allows every action except those listed', () => {
      const document = statementPolicy({
        Action: undefined,
        NotAction: ['sts:TagSession', 'iam:*'],
      });
      expect(decide(document, service(PROTON)).decision).toBe('ALLOW');
      expect(decide(document, service(PROTON, {}, 'sts:SetSourceIdentity')).decision).toBe('ALLOW');
      expect(decide(document, service(PROTON, {}, 'sts:TagSession')).decision).toBe(
        'IMPLICIT_DENY',
      );
      expect(decide(document, service(PROTON, {}, 'sts:tagsession')).decision).toBe(
        'IMPLICIT_DENY',
      );
      expect(decide(document, service(PROTON, {}, 'iam:PassRole')).decision).toBe('IMPLICIT_DENY');
    });

    it('a Deny with NotAction denies everything not listed', () => {
      const document = {
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: '*' },
          { Effect: 'Deny', Principal: '*', NotAction: 'sts:AssumeRole' },
        ],
      };
      expect(decide(document, service(PROTON)).decision).toBe('ALLOW');
      expect(decide(document, service(PROTON, {}, 'sts:TagSession'))).toEqual({
        decision: 'EXPLICIT_DENY',
        reason: `statement 1 explicitly denies sts:TagSession to ${PROTON}`,
        statementIndex: 1,
      });
    });
  });

  describe('deny and allow precedence', () => {
    const allowThenDeny = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TrustProton',
          Effect: 'Allow',
          Principal: { Service: PROTON },
          Action: 'sts:AssumeRole',
        },
        {
          Sid: 'BlockForeignAccounts',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:*',
          Condition: { StringNotEquals: { 'aws:SourceAccount': ACCOUNT } },
        },
      ],
    };

    it('an explicit Deny wins over a matching Allow, naming the statement and Sid', () => {
      expect(
        decide(allowThenDeny, service(PROTON, { 'aws:SourceAccount': OTHER_ACCOUNT })),
      ).toEqual({
        decision: 'EXPLICIT_DENY',
        reason: `statement 1 (BlockForeignAccounts) explicitly denies sts:AssumeRole to ${PROTON}`,
        statementIndex: 1,
      });
    });

    it('a Deny whose condition fails does not apply', () => {
      expect(decide(allowThenDeny, service(PROTON, { 'aws:SourceAccount': ACCOUNT }))).toEqual({
        decision: 'ALLOW',
        reason: `statement 0 (TrustProton) allows ${PROTON} to perform sts:AssumeRole`,
        statementIndex: 0,
      });
    });

    it('a Deny with a negated operator applies when the key is missing', () => {
      expect(decide(allowThenDeny, service(PROTON, {})).decision).toBe('EXPLICIT_DENY');
    });

    it('a Deny listed before the Allow still wins', () => {
      const document = {
        Statement: [
          { Effect: 'Deny', Principal: { Service: PROTON }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: '*', Action: '*' },
        ],
      };
      expect(decide(document, service(PROTON))).toMatchObject({
        decision: 'EXPLICIT_DENY',
        statementIndex: 0,
      });
      expect(decide(document, service(CODEBUILD))).toMatchObject({
        decision: 'ALLOW',
        statementIndex: 1,
      });
    });

    it('a Deny alone is an explicit deny for matching callers and an implicit deny for others', () => {
      const document = {
        Statement: { Effect: 'Deny', Principal: { Service: PROTON }, Action: '*' },
      };
      expect(decide(document, service(PROTON)).decision).toBe('EXPLICIT_DENY');
      expect(decide(document, service(CODEBUILD))).toEqual({
        decision: 'IMPLICIT_DENY',
        reason: `trust policy does not allow ${CODEBUILD} to perform sts:AssumeRole: the policy has no Allow statement`,
      });
    });

    it('the first matching Allow is reported', () => {
      const document = {
        Statement: [
          { Effect: 'Allow', Principal: { Service: CODEBUILD }, Action: '*' },
          { Effect: 'Allow', Principal: { Service: PROTON }, Action: 'sts:*' },
          { Effect: 'Allow', Principal: '*', Action: '*' },
        ],
      };
      expect(decide(document, service(PROTON)).statementIndex).toBe(1);
    });

    it('explains the closest Allow statement when none matches', () => {
      const document = {
        Statement: [
          { Effect: 'Allow', Principal: { Service: CODEBUILD }, Action: '*' },
          { Effect: 'Allow', Principal: { Service: PROTON }, Action: 'sts:TagSession' },
          {
            Sid: 'Scoped',
            Effect: 'Allow',
            Principal: { Service: PROTON },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': [ACCOUNT, '333333333333'] } },
          },
        ],
      };
      expect(decide(document, service(PROTON, { 'aws:SourceAccount': OTHER_ACCOUNT })).reason).toBe(
        `trust policy does not allow ${PROTON} to perform sts:AssumeRole: statement 2 (Scoped) trusts ${PROTON} ` +
          `but condition StringEquals aws:SourceAccount is not satisfied (expected one of ${ACCOUNT}, 333333333333, got ${OTHER_ACCOUNT})`,
      );
    });
  });

  describe('condition operators', () => {
    const account = { 'aws:SourceAccount': ACCOUNT };
    const other = { 'aws:SourceAccount': OTHER_ACCOUNT };

    it('StringEquals is case-sensitive and ORs values of one key', () => {
      const condition = { StringEquals: { 'aws:SourceAccount': [ACCOUNT, '333333333333'] } };
      expect(withCondition(condition, { 'aws:SourceAccount': '333333333333' }).decision).toBe(
        'ALLOW',
      );
      expect(withCondition(condition, other).decision).toBe('IMPLICIT_DENY');
      const tag = { StringEquals: { 'aws:PrincipalTag/team': 'Platform' } };
      expect(withCondition(tag, { 'aws:PrincipalTag/team': 'platform' }).decision).toBe(
        'IMPLICIT_DENY',
      );
    });

    it('ANDs keys within one operator and across operators', () => {
      const condition = {
        StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceOrgID': 'o-abc' },
        StringLike: { 'aws:SourceArn': `arn:aws:proton:*:${ACCOUNT}:*` },
      };
      const arn = `arn:aws:proton:us-east-1:${ACCOUNT}:environment/dev`;
      const full = { ...account, 'aws:SourceOrgID': 'o-abc', 'aws:SourceArn': arn };
      expect(withCondition(condition, full).decision).toBe('ALLOW');

      const wrongOrg = withCondition(condition, { ...full, 'aws:SourceOrgID': 'o-xyz' });
      expect(wrongOrg.decision).toBe('IMPLICIT_DENY');
      expect(wrongOrg.reason).toContain(
        'condition StringEquals aws:SourceOrgID is not satisfied (expected o-abc, got o-xyz)',
      );

      const wrongArn = withCondition(condition, {
        ...full,
        'aws:SourceArn': `arn:aws:proton:us-east-1:${OTHER_ACCOUNT}:environment/dev`,
      });
      expect(wrongArn.reason).toContain(
        `condition StringLike aws:SourceArn is not satisfied (expected a value matching arn:aws:proton:*:${ACCOUNT}:*, got arn:aws:proton:us-east-1:${OTHER_ACCOUNT}:environment/dev)`,
      );
    });

    it('StringNotEquals is a NOR over its values and matches a missing key', () => {
      const condition = { StringNotEquals: { 'aws:SourceAccount': [ACCOUNT, '333333333333'] } };
      expect(withCondition(condition, other).decision).toBe('ALLOW');
      expect(withCondition(condition, {}).decision).toBe('ALLOW');
      const result = withCondition(condition, account);
      expect(result.decision).toBe('IMPLICIT_DENY');
      expect(result.reason).toContain(
        `condition StringNotEquals aws:SourceAccount is not satisfied (expected a value other than any of ${ACCOUNT}, 333333333333, got ${ACCOUNT})`,
      );
    });

    it('StringEqualsIgnoreCase ignores the case of values', () => {
      const condition = { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'Platform' } };
      expect(withCondition(condition, { 'aws:PrincipalTag/team': 'PLATFORM' }).decision).toBe(
        'ALLOW',
      );
      const result = withCondition(condition, { 'aws:PrincipalTag/team': 'payments' });
      expect(result.decision).toBe('IMPLICIT_DENY');
      expect(result.reason).toContain('(expected Platform (ignoring case), got payments)');
      expect(withCondition(condition, {}).decision).toBe('IMPLICIT_DENY');
    });

    describe('StringLike on aws:SourceArn', () => {
      const condition = {
        StringLike: { 'aws:SourceArn': 'arn:aws:codecatalyst:::space/abc/project/*' },
      };

      it('matches any project in the space', () => {
        const arn = 'arn:aws:codecatalyst:::space/abc/project/web-app';
        expect(withCondition(condition, { 'aws:SourceArn': arn }).decision).toBe('ALLOW');
        expect(
          withCondition(condition, { 'aws:SourceArn': 'arn:aws:codecatalyst:::space/abc/project/' })
            .decision,
        ).toBe('ALLOW');
      });

      it('refuses other spaces, case changes and missing keys', () => {
        const otherSpace = withCondition(condition, {
          'aws:SourceArn': 'arn:aws:codecatalyst:::space/xyz/project/web-app',
        });
        expect(otherSpace.decision).toBe('IMPLICIT_DENY');
        expect(otherSpace.reason).toContain(
          'condition StringLike aws:SourceArn is not satisfied (expected a value matching arn:aws:codecatalyst:::space/abc/project/*, got arn:aws:codecatalyst:::space/xyz/project/web-app)',
        );
        expect(
          withCondition(condition, {
            'aws:SourceArn': 'arn:aws:codecatalyst:::space/ABC/project/x',
          }).decision,
        ).toBe('IMPLICIT_DENY');
        expect(withCondition(condition, {}).reason).toContain(
          'but aws:SourceArn is not in the request context',
        );
      });

      it('lets * span slashes and colons but not be skipped by a prefix', () => {
        expect(
          withCondition(condition, {
            'aws:SourceArn': 'arn:aws:codecatalyst:::space/abc/project/a/b:c',
          }).decision,
        ).toBe('ALLOW');
        expect(
          withCondition(condition, {
            'aws:SourceArn': 'xarn:aws:codecatalyst:::space/abc/project/a',
          }).decision,
        ).toBe('IMPLICIT_DENY');
      });
    });

    it('StringLike ? matches exactly one character and regex metacharacters are literal', () => {
      const condition = { StringLike: { 'aws:PrincipalTag/env': 'dev-?.(1)' } };
      expect(withCondition(condition, { 'aws:PrincipalTag/env': 'dev-a.(1)' }).decision).toBe(
        'ALLOW',
      );
      expect(withCondition(condition, { 'aws:PrincipalTag/env': 'dev-.(1)' }).decision).toBe(
        'IMPLICIT_DENY',
      );
      expect(withCondition(condition, { 'aws:PrincipalTag/env': 'dev-ab(1)' }).decision).toBe(
        'IMPLICIT_DENY',
      );
    });

    it('StringNotLike refuses values matching any pattern and matches a missing key', () => {
      const condition = { StringNotLike: { 'aws:SourceArn': ['arn:aws:proton:*:*:*/prod*'] } };
      expect(
        withCondition(condition, { 'aws:SourceArn': 'arn:aws:proton:us-east-1:1:environment/dev' })
          .decision,
      ).toBe('ALLOW');
      expect(withCondition(condition, {}).decision).toBe('ALLOW');
      const result = withCondition(condition, {
        'aws:SourceArn': 'arn:aws:proton:us-east-1:1:environment/prod-eu',
      });
      expect(result.decision).toBe('IMPLICIT_DENY');
      expect(result.reason).toContain('expected a value not matching arn:aws:proton:*:*:*/prod*');
    });

    describe('ArnLike and ArnEquals', () => {
      const pattern = `arn:aws:proton:*:${ACCOUNT}:environment/*`;
      const envArn = `arn:aws:proton:us-east-1:${ACCOUNT}:environment/dev`;

      it.each(['ArnLike', 'ArnEquals'])('%s matches component-wise with wildcards', (operator) => {
        const condition = { [operator]: { 'aws:SourceArn': pattern } };
        expect(withCondition(condition, { 'aws:SourceArn': envArn }).decision).toBe('ALLOW');
        expect(
          withCondition(condition, {
            'aws:SourceArn': `arn:aws:proton:us-east-1:${OTHER_ACCOUNT}:environment/dev`,
          }).decision,
        ).toBe('IMPLICIT_DENY');
        expect(
          withCondition(condition, {
            'aws:SourceArn': `arn:aws:proton:us-east-1:${ACCOUNT}:service/dev`,
          }).decision,
        ).toBe('IMPLICIT_DENY');
      });

      it('a wildcard in one component cannot swallow the next', () => {
        // As a plain string pattern "arn:aws:proton:*:111111111111:*" would match this value,
        // because * would cover "us-east-1:222222222222:x:111111111111"; per component it cannot.
        const condition = { ArnLike: { 'aws:SourceArn': `arn:aws:proton:*:${ACCOUNT}:*` } };
        const sneaky = `arn:aws:proton:us-east-1:${OTHER_ACCOUNT}:x:${ACCOUNT}:y`;
        expect(withCondition(condition, { 'aws:SourceArn': sneaky }).decision).toBe(
          'IMPLICIT_DENY',
        );
        const string = { StringLike: { 'aws:SourceArn': `arn:aws:proton:*:${ACCOUNT}:*` } };
        expect(withCondition(string, { 'aws:SourceArn': sneaky }).decision).toBe('ALLOW');
      });

      it('ArnEquals without wildcards needs an exact match', () => {
        const condition = { ArnEquals: { 'aws:SourceArn': envArn } };
        expect(withCondition(condition, { 'aws:SourceArn': envArn }).decision).toBe('ALLOW');
        expect(
          withCondition(condition, { 'aws:SourceArn': envArn.replace('dev', 'Dev') }).decision,
        ).toBe('IMPLICIT_DENY');
        expect(
          withCondition(condition, { 'aws:SourceArn': envArn.replace('us-east-1', '') }).decision,
        ).toBe('IMPLICIT_DENY');
      });

      it('keeps colons inside the resource component', () => {
        const condition = {
          ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/proton/*` },
        };
        expect(
          withCondition(condition, {
            'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/proton/dev:log-stream:x`,
          }).decision,
        ).toBe('ALLOW');
      });

      it('a context value that is not an ARN does not match, and the reason says so', () => {
        const condition = { ArnLike: { 'aws:SourceArn': 'arn:*:*:*:*:*' } };
        const notArn = withCondition(condition, { 'aws:SourceArn': 'environment/dev' });
        expect(notArn.decision).toBe('IMPLICIT_DENY');
        expect(notArn.reason).toContain(
          'condition ArnLike aws:SourceArn is not satisfied (expected a value matching arn:*:*:*:*:*, got environment/dev, which is not an ARN)',
        );
        expect(
          withCondition(condition, { 'aws:SourceArn': 'urn:aws:proton:us-east-1:1:env' }).decision,
        ).toBe('IMPLICIT_DENY');
        expect(withCondition(condition, { 'aws:SourceArn': envArn }).decision).toBe('ALLOW');
      });

      it.each(['ArnNotLike', 'ArnNotEquals'])(
        '%s refuses matching ARNs and matches missing keys and other ARNs',
        (operator) => {
          const condition = { [operator]: { 'aws:SourceArn': pattern } };
          expect(withCondition(condition, { 'aws:SourceArn': envArn }).reason).toContain(
            `condition ${operator} aws:SourceArn is not satisfied (expected a value not matching ${pattern}, got ${envArn})`,
          );
          expect(withCondition(condition, {}).decision).toBe('ALLOW');
          expect(
            withCondition(condition, {
              'aws:SourceArn': `arn:aws:proton:us-east-1:${OTHER_ACCOUNT}:environment/dev`,
            }).decision,
          ).toBe('ALLOW');
        },
      );
    });

    describe('IfExists', () => {
      it.each([
        ['StringEqualsIfExists', { 'aws:SourceAccount': ACCOUNT }],
        ['StringLikeIfExists', { 'aws:SourceAccount': '1111*' }],
        ['StringEqualsIgnoreCaseIfExists', { 'aws:SourceAccount': ACCOUNT }],
        ['ArnLikeIfExists', { 'aws:SourceAccount': 'arn:aws:*:*:*:*' }],
        ['ArnEqualsIfExists', { 'aws:SourceAccount': 'arn:aws:*:*:*:*' }],
      ])('%s matches when the key is missing', (operator, block) => {
        expect(withCondition({ [operator]: block }, {}).decision).toBe('ALLOW');
      });

      it('StringEqualsIfExists applies the base operator when the key is present', () => {
        const condition = { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } };
        expect(withCondition(condition, account).decision).toBe('ALLOW');
        const result = withCondition(condition, other);
        expect(result.decision).toBe('IMPLICIT_DENY');
        expect(result.reason).toContain(
          `condition StringEqualsIfExists aws:SourceAccount is not satisfied (expected ${ACCOUNT}, got ${OTHER_ACCOUNT})`,
        );
      });

      it('ArnLikeIfExists applies ARN matching when the key is present', () => {
        const condition = {
          ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:codecatalyst:::space/abc/project/*' },
        };
        expect(
          withCondition(condition, {
            'aws:SourceArn': 'arn:aws:codecatalyst:::space/abc/project/p',
          }).decision,
        ).toBe('ALLOW');
        expect(withCondition(condition, { 'aws:SourceArn': 'space/abc/project/p' }).decision).toBe(
          'IMPLICIT_DENY',
        );
      });

      it.each(['StringNotEqualsIfExists', 'StringNotLikeIfExists'])(
        '%s matches a missing key and negates a present one',
        (operator) => {
          const condition = { [operator]: { 'aws:SourceAccount': ACCOUNT } };
          expect(withCondition(condition, {}).decision).toBe('ALLOW');
          expect(withCondition(condition, other).decision).toBe('ALLOW');
          expect(withCondition(condition, account).decision).toBe('IMPLICIT_DENY');
        },
      );

      it.each(['ArnNotEqualsIfExists', 'ArnNotLikeIfExists'])(
        '%s matches a missing key and negates a present one',
        (operator) => {
          const arn = `arn:aws:proton:us-east-1:${ACCOUNT}:environment/dev`;
          const condition = { [operator]: { 'aws:SourceArn': arn } };
          expect(withCondition(condition, {}).decision).toBe('ALLOW');
          expect(withCondition(condition, { 'aws:SourceArn': arn }).decision).toBe('IMPLICIT_DENY');
        },
      );

      it('IfExists key lookups are case-insensitive too', () => {
        const condition = { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } };
        expect(withCondition(condition, { 'AWS:SourceAccount': OTHER_ACCOUNT }).decision).toBe(
          'IMPLICIT_DENY',
        );
      });
    });

    describe('Null', () => {
      it('"true" requires the key to be absent', () => {
        const condition = { Null: { 'aws:SourceArn': 'true' } };
        expect(withCondition(condition, {}).decision).toBe('ALLOW');
        const result = withCondition(condition, { 'aws:SourceArn': 'arn:aws:s3:::b' });
        expect(result.decision).toBe('IMPLICIT_DENY');
        expect(result.reason).toContain(
          'condition Null aws:SourceArn is not satisfied (expected aws:SourceArn to be absent, got arn:aws:s3:::b)',
        );
      });

      it('"false" requires the key to be present, even if empty', () => {
        const condition = { Null: { 'aws:SourceArn': false } };
        expect(withCondition(condition, { 'aws:SourceArn': '' }).decision).toBe('ALLOW');
        const result = withCondition(condition, {});
        expect(result.decision).toBe('IMPLICIT_DENY');
        expect(result.reason).toContain(
          'condition Null aws:SourceArn is not satisfied (expected aws:SourceArn to be present, but it is not in the request context)',
        );
      });

      it('["true", "false"] is satisfied either way', () => {
        const condition = { Null: { 'aws:SourceArn': ['true', 'false'] } };
        expect(withCondition(condition, {}).decision).toBe('ALLOW');
        expect(withCondition(condition, { 'aws:SourceArn': 'x' }).decision).toBe('ALLOW');
      });

      it('combines with other operators, e.g. a confused-deputy guard', () => {
        const condition = {
          Null: { 'aws:SourceAccount': 'false' },
          StringEquals: { 'AWS:SOURCEACCOUNT': ACCOUNT },
        };
        expect(withCondition(condition, account).decision).toBe('ALLOW');
        expect(withCondition(condition, {}).reason).toContain('condition Null aws:SourceAccount');
      });
    });

    it('matches condition keys case-insensitively whichever side is upper case', () => {
      const condition = { StringEquals: { 'AWS:SourceAccount': ACCOUNT } };
      expect(withCondition(condition, { 'aws:sourceaccount': ACCOUNT }).decision).toBe('ALLOW');
      expect(withCondition(condition, { 'Aws:SourceAccount': OTHER_ACCOUNT }).reason).toContain(
        `condition StringEquals AWS:SourceAccount is not satisfied (expected ${ACCOUNT}, got ${OTHER_ACCOUNT})`,
      );
    });

    it('compares coerced boolean values as strings', () => {
      const condition = { StringEquals: { 'aws:ViaAWSService': true } };
      expect(withCondition(condition, { 'aws:ViaAWSService': 'true' }).decision).toBe('ALLOW');
      expect(withCondition(condition, { 'aws:ViaAWSService': 'false' }).decision).toBe(
        'IMPLICIT_DENY',
      );
    });
  });

  it('does not mutate the policy or the request', () => {
    const policy = policyOf(PROTON_TRUST_POLICY);
    const snapshot = JSON.stringify(policy);
    const request = service(PROTON, { 'AWS:SourceAccount': ACCOUNT });
    evaluateAssumeRole(policy, request);
    expect(JSON.stringify(policy)).toBe(snapshot);
    expect(request).toEqual({
      principal: { type: 'Service', id: PROTON },
      context: { 'AWS:SourceAccount': ACCOUNT },
    });
  });
});

describe('wildcardMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything at all', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'ac', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a.c', 'abc', false],
    ['a+b', 'a+b', true],
    ['[x]', '[x]', true],
    ['^$', '^$', true],
    ['line*', 'line1\nline2', true],
    ['?', '😀', true],
  ])('%p against %p is %p', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value, false)).toBe(expected);
  });

  it('is case-sensitive unless asked otherwise', () => {
    expect(wildcardMatch('sts:Assume*', 'STS:ASSUMEROLE', false)).toBe(false);
    expect(wildcardMatch('sts:Assume*', 'STS:ASSUMEROLE', true)).toBe(true);
  });

  /** The definition, as a regular expression: right, but exponential on some patterns. */
  function reference(pattern: string, value: string, ignoreCase: boolean): boolean {
    const source = Array.from(pattern)
      .map((ch) =>
        ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'),
      )
      .join('');
    return new RegExp(`^${source}$`, ignoreCase ? 'siu' : 'su').test(value);
  }

  it('agrees with the regular-expression definition on random patterns and values', () => {
    // A small alphabet, so that random patterns and values often match and often nearly do.
    const pattern = fc.string({
      unit: fc.constantFrom('a', 'b', 'A', '*', '?', '😀', '.'),
      maxLength: 12,
    });
    const value = fc.string({
      unit: fc.constantFrom('a', 'b', 'B', 'A', '😀', '.'),
      maxLength: 16,
    });
    fc.assert(
      fc.property(pattern, value, fc.boolean(), (p, v, ignoreCase) => {
        expect(wildcardMatch(p, v, ignoreCase)).toBe(reference(p, v, ignoreCase));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the definition when the value is built to match the pattern', () => {
    // Values made by filling each wildcard, so the property also covers long true matches.
    const filled = fc
      .array(
        fc.oneof(
          fc.record({ kind: fc.constant('*'), fill: fc.string({ maxLength: 5 }) }),
          fc.record({ kind: fc.constant('?'), fill: fc.string({ minLength: 1, maxLength: 1 }) }),
          fc.record({ kind: fc.constant('text'), fill: fc.string({ minLength: 1, maxLength: 4 }) }),
        ),
        { maxLength: 10 },
      )
      .map((parts) => ({
        pattern: parts
          .map((p) => (p.kind === 'text' ? p.fill.replace(/[*?]/g, 'x') : p.kind))
          .join(''),
        value: parts
          .map((p) => (p.kind === 'text' ? p.fill.replace(/[*?]/g, 'x') : p.fill))
          .join(''),
      }));
    fc.assert(
      fc.property(filled, ({ pattern, value }) => {
        expect(wildcardMatch(pattern, value, false)).toBe(true);
        expect(reference(pattern, value, false)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('pathological wildcard patterns', () => {
  // `*?` repeated, then a character the value does not end with: a backtracking matcher tries
  // every way to split the value between the stars (k=8 took 47 s on a 119-character ARN).
  const SOURCE_ARN =
    'arn:aws:proton:us-east-1:111111111111:environment-account-connection/' +
    'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
  const hostile = (k: number) => `${'*?'.repeat(k)}#`;

  function policyWith(condition: Record<string, unknown>): string {
    return JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: PROTON },
          Action: 'sts:AssumeRole',
          Condition: condition,
        },
      ],
    });
  }

  it.each([
    ['StringLike', (k: number) => hostile(k)],
    ['ArnLike', (k: number) => `arn:aws:proton:us-east-1:111111111111:${hostile(k)}`],
  ])(
    '%s with the longest such pattern a policy may hold is decided at once',
    (operator, pattern) => {
      // As long as the role's 2048-character limit allows.
      let k = 1;
      while (policyWith({ [operator]: { 'aws:SourceArn': pattern(k + 1) } }).length <= 2048) {
        k++;
      }
      const document = policyWith({ [operator]: { 'aws:SourceArn': pattern(k) } });
      expect(k).toBeGreaterThan(900);
      const started = performance.now();
      const result = decide(document, service(PROTON, { 'aws:SourceArn': SOURCE_ARN }));
      const elapsed = performance.now() - started;
      expect(result.decision).toBe('IMPLICIT_DENY');
      // The exponential matcher did not finish k=8 within seconds; this one takes microseconds.
      // The bound is loose on purpose (a loaded CI machine); the README records the measured time.
      expect(elapsed).toBeLessThan(50);
    },
  );

  it('many hostile values in one condition are still decided at once', () => {
    const values: string[] = [];
    while (
      policyWith({ StringLike: { 'aws:SourceArn': [...values, hostile(5)] } }).length <= 2048
    ) {
      values.push(hostile(5));
    }
    const started = performance.now();
    const result = decide(
      policyWith({ StringLike: { 'aws:SourceArn': values } }),
      service(PROTON, { 'aws:SourceArn': SOURCE_ARN }),
    );
    expect(values.length).toBeGreaterThan(100);
    expect(result.decision).toBe('IMPLICIT_DENY');
    expect(performance.now() - started).toBeLessThan(50);
  });
});
