import { checkCodeCatalystRole } from './role-check';

const ACCOUNT = '111122223333';
const SPACE = '0f8f6e5e-1111-4222-8333-944445555666';
const ctx = { accountId: ACCOUNT, spaceId: SPACE };
const role = (statement: object) => ({
  path: '/',
  roleName: 'CodeCatalystWorkflowRole',
  assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
});
const ARN = `arn:aws:iam::${ACCOUNT}:role/CodeCatalystWorkflowRole`;

describe('checkCodeCatalystRole', () => {
  it('accepts either CodeCatalyst principal, with or without a SourceArn condition for the space', () => {
    for (const service of ['codecatalyst.amazonaws.com', 'codecatalyst-runner.amazonaws.com']) {
      expect(
        checkCodeCatalystRole(
          ARN,
          role({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }),
          ctx,
        ).status,
      ).toBe('VALID');
    }
    const projects = role({
      Effect: 'Allow',
      Principal: { Service: ['codecatalyst-runner.amazonaws.com', 'codecatalyst.amazonaws.com'] },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:aws:codecatalyst:::space/${SPACE}/project/*` },
      },
    });
    expect(checkCodeCatalystRole(ARN, projects, ctx)).toEqual({ status: 'VALID', reason: null });
  });

  it('refuses a SourceArn of another space', () => {
    const other = role({
      Effect: 'Allow',
      Principal: { Service: 'codecatalyst.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnLike: { 'aws:SourceArn': 'arn:aws:codecatalyst:::space/another-space/project/*' },
      },
    });
    const result = checkCodeCatalystRole(ARN, other, ctx);
    expect(result.status).toBe('INVALID');
    expect(result.reason).toContain(SPACE);
  });

  it('refuses a trust policy without the CodeCatalyst principals, a missing role and another account', () => {
    expect(
      checkCodeCatalystRole(
        ARN,
        role({
          Effect: 'Allow',
          Principal: { Service: 'proton.amazonaws.com' },
          Action: 'sts:AssumeRole',
        }),
        ctx,
      ).status,
    ).toBe('INVALID');
    expect(checkCodeCatalystRole(ARN, null, ctx).reason).toMatch(/does not exist/);
    expect(checkCodeCatalystRole('arn:aws:iam::999999999999:role/x', null, ctx).reason).toMatch(
      /not a role ARN of account/,
    );
  });
});
