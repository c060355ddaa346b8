import { AppError, ErrorCode } from '@accountlink/common';
import {
  checkCreate,
  connectionArn,
  CreateConnectionInput,
  liveKey,
  parseConnectionArn,
  requestHash,
  requireSide,
  transition,
} from './connection-rules';

const ENV = '222222222222';
const MGMT = '111111111111';
const valid: CreateConnectionInput = {
  environmentName: 'simple-env-connected',
  managementAccountId: MGMT,
  roleArn: `arn:aws:iam::${ENV}:role/service-role/env-account-proton-service-role`,
};

function errorOf(fn: () => void): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('checkCreate', () => {
  it('accepts the seed request', () => {
    expect(() => checkCreate(valid, ENV)).not.toThrow();
  });

  it.each([
    [{ environmentName: '' }, 'environmentName'],
    [{ environmentName: '-starts-with-dash' }, 'environmentName'],
    [{ environmentName: 'a'.repeat(101) }, 'environmentName'],
    [{ environmentName: 'has space' }, 'environmentName'],
    [{ managementAccountId: '12345' }, 'managementAccountId'],
    [{ managementAccountId: ENV }, 'managementAccountId'],
    [{ roleArn: 'not-an-arn' }, 'roleArn'],
    [{ roleArn: `arn:aws:iam::${MGMT}:role/InTheWrongAccount` }, 'roleArn'],
    [{ roleArn: null, codebuildRoleArn: null }, 'roleArn'],
    [{ codebuildRoleArn: `arn:aws:iam::${ENV}:role/x y` }, 'codebuildRoleArn'],
    [{ componentRoleArn: `arn:aws:iam::333333333333:role/c` }, 'componentRoleArn'],
    [{ clientToken: 'x'.repeat(65) }, 'clientToken'],
    [{ clientToken: 'tab\there' }, 'clientToken'],
  ])('refuses %p naming %s', (override, field) => {
    const error = errorOf(() =>
      checkCreate({ ...valid, ...override } as CreateConnectionInput, ENV),
    );
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('accepts a codebuild role alone', () => {
    expect(() =>
      checkCreate(
        { ...valid, roleArn: null, codebuildRoleArn: `arn:aws:iam::${ENV}:role/cb` },
        ENV,
      ),
    ).not.toThrow();
  });
});

describe('transition', () => {
  it('follows the state machine', () => {
    expect(transition('PENDING', 'ACCEPT')).toEqual({ kind: 'CHANGE', to: 'CONNECTED' });
    expect(transition('PENDING', 'REJECT')).toEqual({ kind: 'CHANGE', to: 'REJECTED' });
    expect(transition('CONNECTED', 'REJECT')).toEqual({ kind: 'CHANGE', to: 'REJECTED' });
  });

  it('is idempotent for the transition that brought the current state', () => {
    expect(transition('CONNECTED', 'ACCEPT')).toEqual({ kind: 'SAME' });
    expect(transition('REJECTED', 'REJECT')).toEqual({ kind: 'SAME' });
  });

  it('never leaves REJECTED', () => {
    expect(transition('REJECTED', 'ACCEPT').kind).toBe('CONFLICT');
  });
});

describe('requireSide', () => {
  const connection = { id: 'c1', environmentAccountId: ENV, managementAccountId: MGMT };

  it('lets the allowed side through', () => {
    expect(requireSide(connection, MGMT, ['MANAGEMENT'], 'Accept')).toBe('MANAGEMENT');
  });

  it('tells a third account that nothing exists, and the other side that it may not', () => {
    expect(
      errorOf(() => requireSide(connection, '333333333333', ['MANAGEMENT'], 'Accept')).code,
    ).toBe(ErrorCode.NOT_FOUND);
    const denied = errorOf(() =>
      requireSide(connection, ENV, ['MANAGEMENT'], 'AcceptEnvironmentAccountConnection'),
    );
    expect(denied.code).toBe(ErrorCode.FORBIDDEN);
    expect(denied.message).toContain('environment account');
  });
});

describe('keys and ARNs', () => {
  it('builds and parses connection ARNs in the environment account', () => {
    const arn = connectionArn('us-east-1', ENV, 'a1b2c3d4-5678-90ab-cdef-000000000000');
    expect(arn).toBe(
      `arn:aws:proton:us-east-1:${ENV}:environment-account-connection/a1b2c3d4-5678-90ab-cdef-000000000000`,
    );
    expect(parseConnectionArn(arn)).toEqual({
      region: 'us-east-1',
      environmentAccountId: ENV,
      id: 'a1b2c3d4-5678-90ab-cdef-000000000000',
    });
    expect(parseConnectionArn('arn:aws:proton:us-east-1:1:environment/x')).toBeNull();
  });

  it('keys live connections by accounts, name and region', () => {
    const base = {
      environmentAccountId: ENV,
      managementAccountId: MGMT,
      environmentName: 'e',
      region: 'us-east-1',
    };
    expect(liveKey(base)).not.toBe(liveKey({ ...base, region: 'eu-west-1' }));
    expect(liveKey(base)).not.toBe(liveKey({ ...base, environmentName: 'f' }));
  });

  it('fingerprints requests independently of tag order', () => {
    const a = requestHash(
      {
        ...valid,
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      },
      'us-east-1',
    );
    const b = requestHash(
      {
        ...valid,
        tags: [
          { key: 'b', value: '2' },
          { key: 'a', value: '1' },
        ],
      },
      'us-east-1',
    );
    expect(a).toBe(b);
    expect(requestHash(valid, 'us-east-1')).not.toBe(
      requestHash({ ...valid, environmentName: 'other' }, 'us-east-1'),
    );
  });
});
