import { AppError } from '@accountlink/common';
import { checkName, checkOptional, checkProvisioningFields, checkRoleFields } from './field-rules';

function fieldOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as AppError).field;
  }
  return undefined;
}

describe('Proton field rules', () => {
  it('checks resource names against the model pattern', () => {
    expect(fieldOf(() => checkName('name', 'web-env_1'))).toBeUndefined();
    expect(fieldOf(() => checkName('name', '-leading'))).toBe('name');
    expect(fieldOf(() => checkName('templateName', 'x'.repeat(101)))).toBe('templateName');
  });

  it('checks optional text lengths only when given', () => {
    expect(fieldOf(() => checkOptional('description', null, 1, 5))).toBeUndefined();
    expect(fieldOf(() => checkOptional('description', '', 1, 5))).toBe('description');
    expect(fieldOf(() => checkOptional('description', '123456', 0, 5))).toBe('description');
  });

  it('checks connection ids and role ARNs by field', () => {
    expect(
      fieldOf(() => checkProvisioningFields({ connectionId: 'nope', serviceRoleArn: null })),
    ).toBe('environmentAccountConnectionId');
    expect(
      fieldOf(() => checkProvisioningFields({ connectionId: null, serviceRoleArn: 'arn:bad' })),
    ).toBe('protonServiceRoleArn');
    expect(fieldOf(() => checkRoleFields({ componentRoleArn: 'arn:aws:iam::1:role/x' }))).toBe(
      'componentRoleArn',
    );
    expect(
      fieldOf(() => checkRoleFields({ codebuildRoleArn: 'arn:aws:iam::123456789012:role/Build' })),
    ).toBeUndefined();
  });
});
