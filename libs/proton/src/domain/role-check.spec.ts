import { RoleRecord } from '@accountlink/iam';
import { checkConnectionRole } from './role-check';

const ENV = '222222222222';
const MGMT = '111111111111';
const ctx = { environmentAccountId: ENV, managementAccountId: MGMT };
const policy = (service: string, sourceAccount?: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(sourceAccount
          ? { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } }
          : {}),
      },
    ],
  });
const role = (doc: string, path = '/'): RoleRecord => ({
  path,
  roleName: 'R',
  assumeRolePolicyDocument: doc,
});

describe('checkConnectionRole', () => {
  it('is VALID when the role trusts the service with the management account as source', () => {
    expect(
      checkConnectionRole(
        'ROLE',
        `arn:aws:iam::${ENV}:role/R`,
        role(policy('proton.amazonaws.com', MGMT)),
        ctx,
      ),
    ).toEqual({
      status: 'VALID',
      reason: null,
    });
    expect(
      checkConnectionRole(
        'CODEBUILD_ROLE',
        `arn:aws:iam::${ENV}:role/R`,
        role(policy('codebuild.amazonaws.com', MGMT)),
        ctx,
      ).status,
    ).toBe('VALID');
  });

  it('is INVALID when the role is missing', () => {
    const result = checkConnectionRole('ROLE', `arn:aws:iam::${ENV}:role/R`, null, ctx);
    expect(result).toEqual({
      status: 'INVALID',
      reason: `Role R does not exist in account ${ENV}`,
    });
  });

  it('is INVALID when the trust policy names another service or source account', () => {
    expect(
      checkConnectionRole(
        'ROLE',
        `arn:aws:iam::${ENV}:role/R`,
        role(policy('codebuild.amazonaws.com', MGMT)),
        ctx,
      ).reason,
    ).toMatch(/does not allow proton.amazonaws.com/);
    expect(
      checkConnectionRole(
        'ROLE',
        `arn:aws:iam::${ENV}:role/R`,
        role(policy('proton.amazonaws.com', '999999999999')),
        ctx,
      ).reason,
    ).toMatch(/aws:SourceAccount/);
    expect(
      checkConnectionRole(
        'CODEBUILD_ROLE',
        `arn:aws:iam::${ENV}:role/R`,
        role(policy('proton.amazonaws.com', MGMT)),
        ctx,
      ).status,
    ).toBe('INVALID');
  });

  it('is INVALID when the ARN path does not match the role', () => {
    const result = checkConnectionRole(
      'ROLE',
      `arn:aws:iam::${ENV}:role/service-role/R`,
      role(policy('proton.amazonaws.com')),
      ctx,
    );
    expect(result.status).toBe('INVALID');
    expect(result.reason).toMatch(/path/);
  });
});
