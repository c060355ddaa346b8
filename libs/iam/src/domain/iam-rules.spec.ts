import {
  IAM_LIMITS,
  parseRoleArn,
  roleArn,
  roleNameKey,
  validateAccountId,
  validatePolicyDocumentSize,
  validateRoleName,
  validateRolePath,
} from './iam-rules';

describe('validateAccountId', () => {
  it.each(['111111111111', '000000000000', '123456789012'])('accepts %p', (id) => {
    expect(validateAccountId(id)).toBeNull();
  });

  it.each([
    [''],
    ['11111111111'],
    ['1111111111111'],
    ['11111111111a'],
    [' 111111111111'],
    ['111111111111\n'],
    ['1111-1111-1111'],
    ['１１１１１１１１１１１１'],
  ])('refuses %p, naming the field and the value', (id) => {
    expect(validateAccountId(id)).toBe(`accountId must be exactly 12 digits, got "${id}"`);
  });
});

describe('validateRoleName', () => {
  it.each(['a', 'ProtonServiceRole', 'role_with+=,.@-chars', 'x'.repeat(64), '0123'])(
    'accepts %p',
    (name) => {
      expect(validateRoleName(name)).toBeNull();
    },
  );

  it('refuses an empty name', () => {
    expect(validateRoleName('')).toBe('roleName must not be empty');
  });

  it('refuses names over 64 characters, giving the length', () => {
    expect(validateRoleName('x'.repeat(65))).toBe('roleName must be at most 64 characters, got 65');
  });

  it.each(['my role', 'role/name', 'role:name', 'rôle', 'role*', 'role\n'])(
    'refuses the character set of %p',
    (name) => {
      expect(validateRoleName(name)).toBe(
        `roleName "${name}" may contain only letters, digits and the characters _+=,.@-`,
      );
    },
  );
});

describe('validateRolePath', () => {
  it.each(['/', '/service-role/', '/a/b/c/', '/!~/', '///', `/${'a'.repeat(510)}/`])(
    'accepts %p',
    (path) => {
      expect(validateRolePath(path)).toBeNull();
    },
  );

  it('refuses an empty path', () => {
    expect(validateRolePath('')).toBe('path must not be empty; use "/" for the root path');
  });

  it('refuses paths over 512 characters, giving the length', () => {
    expect(validateRolePath(`/${'a'.repeat(511)}/`)).toBe(
      'path must be at most 512 characters, got 513',
    );
  });

  // IAM's published pattern is `^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$`; read naively, "/x"
  // satisfies `^(\u002F)` and "x/y/" satisfies the second half. Both must be refused.
  it.each([
    ['/x', 'missing the trailing slash'],
    ['x/', 'missing the leading slash'],
    ['x/y/', 'not starting with a slash'],
    ['//', 'just two slashes'],
    ['/a b/', 'containing a space'],
    ['/a\tb/', 'containing a tab'],
    ['/é/', 'containing non-ASCII'],
    ['service-role', 'without slashes'],
  ])('refuses %p (%s)', (path) => {
    expect(validateRolePath(path)).toBe(
      `path "${path}" must be "/" or start and end with "/" with printable ASCII characters (no spaces) in between`,
    );
  });
});

describe('validatePolicyDocumentSize', () => {
  const padded = (compactLength: number, whitespace = 0): string =>
    `"${'x'.repeat(compactLength - 2)}"${' '.repeat(whitespace)}`;

  it('accepts a document of exactly 2,048 characters', () => {
    expect(validatePolicyDocumentSize(padded(2048))).toBeNull();
  });

  it('refuses 2,049 characters, naming the size and the limit', () => {
    expect(validatePolicyDocumentSize(padded(2049))).toBe(
      'policy document is 2,049 characters without white space, over the role trust policy limit of 2,048 characters',
    );
  });

  it('does not count spaces, tabs or newlines toward the 2,048 quota', () => {
    const pretty = `${padded(2048)}\n\t  \r\n${' '.repeat(5000)}`;
    expect(pretty.length).toBeGreaterThan(2048);
    expect(validatePolicyDocumentSize(pretty)).toBeNull();
  });

  it('applies the raw API limit of 131,072 characters including white space', () => {
    expect(
      validatePolicyDocumentSize(padded(10, IAM_LIMITS.policyDocumentMaxRawChars - 10)),
    ).toBeNull();
    expect(validatePolicyDocumentSize(padded(10, IAM_LIMITS.policyDocumentMaxRawChars - 9))).toBe(
      'policy document is 131,073 characters, over the limit of 131,072 characters',
    );
  });

  it('counts astral characters once, as IAM counts characters', () => {
    const emoji = '😀'.repeat(2048);
    expect(emoji.length).toBe(4096);
    expect(validatePolicyDocumentSize(emoji)).toBeNull();
    expect(validatePolicyDocumentSize(`${emoji}x`)).toMatch(/^policy document is 2,049 characters/);
  });

  it('accepts the empty string (content is checked by the parser, not here)', () => {
    expect(validatePolicyDocumentSize('')).toBeNull();
  });
});

describe('roleArn', () => {
  it('builds an ARN for the root path', () => {
    expect(roleArn('111111111111', '/', 'ProtonRole')).toBe(
      'arn:aws:iam::111111111111:role/ProtonRole',
    );
  });

  it('keeps nested paths', () => {
    expect(roleArn('111111111111', '/service-role/proton/', 'ProtonRole')).toBe(
      'arn:aws:iam::111111111111:role/service-role/proton/ProtonRole',
    );
  });

  it('accepts another partition', () => {
    expect(roleArn('111111111111', '/', 'R', 'aws-us-gov')).toBe(
      'arn:aws-us-gov:iam::111111111111:role/R',
    );
  });

  it('round-trips through parseRoleArn', () => {
    const arn = roleArn('123456789012', '/a/b/', 'Deployer');
    expect(parseRoleArn(arn)).toEqual({
      partition: 'aws',
      accountId: '123456789012',
      path: '/a/b/',
      roleName: 'Deployer',
    });
  });
});

describe('parseRoleArn', () => {
  it('parses a root-path role', () => {
    expect(parseRoleArn('arn:aws:iam::111111111111:role/ProtonRole')).toEqual({
      partition: 'aws',
      accountId: '111111111111',
      path: '/',
      roleName: 'ProtonRole',
    });
  });

  it('parses nested paths', () => {
    expect(parseRoleArn('arn:aws:iam::111111111111:role/service-role/proton/Deployer')).toEqual({
      partition: 'aws',
      accountId: '111111111111',
      path: '/service-role/proton/',
      roleName: 'Deployer',
    });
  });

  it.each(['aws', 'aws-cn', 'aws-us-gov'])('accepts the %s partition', (partition) => {
    expect(parseRoleArn(`arn:${partition}:iam::111111111111:role/R`)?.partition).toBe(partition);
  });

  it('accepts role names with every allowed punctuation character', () => {
    expect(parseRoleArn('arn:aws:iam::111111111111:role/a_b+c=d,e.f@g-h')?.roleName).toBe(
      'a_b+c=d,e.f@g-h',
    );
  });

  it('accepts colon-terminated segments as the published pattern does', () => {
    expect(parseRoleArn('arn:aws:iam::111111111111:role/team:Deployer')).toEqual({
      partition: 'aws',
      accountId: '111111111111',
      path: '/team:',
      roleName: 'Deployer',
    });
  });

  it('accepts a 64-character role name and refuses 65', () => {
    expect(parseRoleArn(`arn:aws:iam::111111111111:role/${'r'.repeat(64)}`)?.roleName).toHaveLength(
      64,
    );
    expect(parseRoleArn(`arn:aws:iam::111111111111:role/${'r'.repeat(65)}`)).toBeNull();
  });

  it.each([
    ['another partition', 'arn:aws-iso:iam::111111111111:role/R'],
    ['another service', 'arn:aws:sts::111111111111:role/R'],
    ['a region', 'arn:aws:iam:us-east-1:111111111111:role/R'],
    ['a short account id', 'arn:aws:iam::11111111111:role/R'],
    ['a user', 'arn:aws:iam::111111111111:user/R'],
    ['an assumed-role session', 'arn:aws:sts::111111111111:assumed-role/R/session'],
    ['no role name', 'arn:aws:iam::111111111111:role/'],
    ['a trailing slash', 'arn:aws:iam::111111111111:role/path/'],
    ['a double slash', 'arn:aws:iam::111111111111:role//R'],
    ['a space', 'arn:aws:iam::111111111111:role/my role'],
    ['a wildcard', 'arn:aws:iam::111111111111:role/*'],
    ['upper-case ARN prefix', 'ARN:aws:iam::111111111111:role/R'],
    ['trailing text', 'arn:aws:iam::111111111111:role/R\n'],
    ['nothing', ''],
  ])('refuses %s', (_label, arn) => {
    expect(parseRoleArn(arn)).toBeNull();
  });

  it('refuses ARNs longer than 2,048 characters quickly', () => {
    const long = `arn:aws:iam::111111111111:role/${'a/'.repeat(1100)}R`;
    const started = Date.now();
    expect(parseRoleArn(long)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('handles a long separator-free name without catastrophic backtracking', () => {
    const arn = `arn:aws:iam::111111111111:role/${'a'.repeat(1900)}!`;
    const started = Date.now();
    expect(parseRoleArn(arn)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('roleNameKey', () => {
  it('maps names differing only in case to the same key', () => {
    expect(roleNameKey('ProtonRole')).toBe(roleNameKey('protonrole'));
    expect(roleNameKey('PROTONROLE')).toBe('protonrole');
  });

  it('keeps distinct names distinct', () => {
    expect(roleNameKey('Proton-Role')).not.toBe(roleNameKey('Proton_Role'));
  });

  it('leaves punctuation untouched', () => {
    expect(roleNameKey('A+B=C,D.E@F-G_H')).toBe('a+b=c,d.e@f-g_h');
  });
});
