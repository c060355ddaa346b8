import { AppError } from '@accountlink/common';
import {
  checkCreateProvisioning,
  injectedFailure,
  isBusy,
  nextProvisioning,
  stackName,
  targetVersion,
} from './environment-rules';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as AppError).message;
  }
  throw new Error('expected an error');
}

const C1 = '00000000-0000-4000-8000-000000000001';
const C2 = '00000000-0000-4000-8000-000000000002';
const ROLE = 'arn:aws:iam::111111111111:role/proton';

describe('provisioning rules', () => {
  it('creates with exactly one of a connection and a service role', () => {
    expect(() => checkCreateProvisioning({ connectionId: C1, serviceRoleArn: null })).not.toThrow();
    expect(() =>
      checkCreateProvisioning({ connectionId: null, serviceRoleArn: ROLE }),
    ).not.toThrow();
    expect(
      message(() => checkCreateProvisioning({ connectionId: C1, serviceRoleArn: ROLE })),
    ).toMatch(/not both/);
    expect(
      message(() => checkCreateProvisioning({ connectionId: null, serviceRoleArn: null })),
    ).toMatch(/Specify environmentAccountConnectionId/);
  });

  it('updates the connection or the role, never both, never attaching a connection', () => {
    const viaConnection = { connectionId: C1, serviceRoleArn: null };
    const viaRole = { connectionId: null, serviceRoleArn: ROLE };
    expect(nextProvisioning(viaConnection, { connectionId: C2, serviceRoleArn: null })).toEqual({
      connectionId: C2,
      serviceRoleArn: null,
    });
    expect(nextProvisioning(viaConnection, { connectionId: C1, serviceRoleArn: null })).toBeNull();
    expect(
      nextProvisioning(viaConnection, { connectionId: null, serviceRoleArn: null }),
    ).toBeNull();
    expect(
      message(() => nextProvisioning(viaConnection, { connectionId: C2, serviceRoleArn: ROLE })),
    ).toMatch(/not both/);
    expect(
      message(() => nextProvisioning(viaRole, { connectionId: C1, serviceRoleArn: null })),
    ).toMatch(/cannot be attached/);
    expect(
      message(() => nextProvisioning(viaConnection, { connectionId: null, serviceRoleArn: ROLE })),
    ).toMatch(/update environmentAccountConnectionId instead/);
    expect(nextProvisioning(viaRole, { connectionId: null, serviceRoleArn: `${ROLE}2` })).toEqual({
      connectionId: null,
      serviceRoleArn: `${ROLE}2`,
    });
  });
});

describe('targetVersion', () => {
  const published = [
    { major: 1, minor: 0 },
    { major: 1, minor: 2 },
    { major: 2, minor: 0 },
    { major: 2, minor: 1 },
  ];
  const current = { major: 1, minor: 0 };

  it('follows each deployment type', () => {
    expect(targetVersion('NONE', current, {}, { published })).toBeNull();
    expect(targetVersion('CURRENT_VERSION', current, {}, { published })).toEqual(current);
    expect(targetVersion('MINOR_VERSION', current, {}, { published })).toEqual({
      major: 1,
      minor: 2,
    });
    expect(targetVersion('MAJOR_VERSION', current, {}, { published })).toEqual({
      major: 2,
      minor: 1,
    });
    expect(targetVersion('MAJOR_VERSION', current, { major: 2, minor: 0 }, { published })).toEqual({
      major: 2,
      minor: 0,
    });
  });

  it('refuses moves the type does not allow, and versions that are not PUBLISHED', () => {
    expect(
      message(() => targetVersion('CURRENT_VERSION', current, { minor: 2 }, { published })),
    ).toMatch(/CURRENT_VERSION redeploys/);
    expect(
      message(() => targetVersion('MINOR_VERSION', current, { major: 2 }, { published })),
    ).toMatch(/stays in the current major version/);
    expect(
      message(() => targetVersion('MINOR_VERSION', current, { minor: 1 }, { published })),
    ).toMatch(/1.1 is not a PUBLISHED version/);
    expect(
      message(() => targetVersion('MAJOR_VERSION', { major: 2, minor: 1 }, {}, { published })),
    ).toMatch(/above 2/);
  });
});

describe('deployment helpers', () => {
  it('knows which statuses are still running', () => {
    expect(
      ['IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS'].every((s) => isBusy(s as never)),
    ).toBe(true);
    expect(
      ['SUCCEEDED', 'FAILED', 'CANCELLED', 'DELETE_FAILED'].some((s) => isBusy(s as never)),
    ).toBe(false);
  });

  it('injects failures at the configured rate only', () => {
    expect(injectedFailure(0, 0)).toBe(false);
    expect(injectedFailure(0.3, 0.29)).toBe(true);
    expect(injectedFailure(0.3, 0.3)).toBe(false);
    expect(injectedFailure(1, 0.999)).toBe(true);
  });

  it('names the stack after the environment and its id', () => {
    expect(stackName('web', 'abcdef12-0000-4000-8000-000000000000')).toBe(
      'AWSProton-web-cloudformation-abcdef12',
    );
  });
});
