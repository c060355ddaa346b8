import { AppError, ErrorCode } from '@accountlink/common';
import {
  checkKeepsAdministrator,
  checkSpaceName,
  checkSpaceRegion,
  requireSpaceAdministrator,
  spaceArn,
} from './space-rules';

function code(fn: () => void): ErrorCode | null {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as AppError).code;
  }
}

describe('space rules', () => {
  const members = [
    { userId: 'a', role: 'SPACE_ADMINISTRATOR' as const },
    { userId: 'b', role: 'POWER_USER' as const },
  ];

  it('keeps at least one administrator', () => {
    expect(code(() => checkKeepsAdministrator(members, 'a', null))).toBe(ErrorCode.CONFLICT);
    expect(code(() => checkKeepsAdministrator(members, 'a', 'POWER_USER'))).toBe(
      ErrorCode.CONFLICT,
    );
    expect(code(() => checkKeepsAdministrator(members, 'b', null))).toBeNull();
    const two = [...members, { userId: 'c', role: 'SPACE_ADMINISTRATOR' as const }];
    expect(code(() => checkKeepsAdministrator(two, 'a', 'LIMITED_ACCESS'))).toBeNull();
  });

  it('lets only administrators manage members, and hides the space from non-members', () => {
    expect(code(() => requireSpaceAdministrator('SPACE_ADMINISTRATOR', 's'))).toBeNull();
    expect(code(() => requireSpaceAdministrator('POWER_USER', 's'))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => requireSpaceAdministrator('LIMITED_ACCESS', 's'))).toBe(ErrorCode.FORBIDDEN);
    expect(code(() => requireSpaceAdministrator(null, 's'))).toBe(ErrorCode.NOT_FOUND);
  });

  it('validates names and CodeCatalyst regions', () => {
    expect(code(() => checkSpaceName('my-space'))).toBeNull();
    expect(code(() => checkSpaceName('ab'))).toBe(ErrorCode.BAD_USER_INPUT);
    expect(code(() => checkSpaceName('-bad'))).toBe(ErrorCode.BAD_USER_INPUT);
    expect(code(() => checkSpaceRegion('us-west-2'))).toBeNull();
    expect(code(() => checkSpaceRegion('us-east-1'))).toBe(ErrorCode.BAD_USER_INPUT);
  });

  it('builds the space ARN without region or account', () => {
    expect(spaceArn('abc')).toBe('arn:aws:codecatalyst:::space/abc');
  });
});
