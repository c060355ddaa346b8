import { badLength, checkString } from '@accountlink/common';
import { checkId, LIMITS, PATTERNS } from './connection-rules';
import type { Provisioning } from './environment-rules';

/** A Proton resource name (template, environment): the model's pattern and length. */
export function checkName(field: string, value: string): void {
  checkString(field, value, PATTERNS.resourceName, 1, LIMITS.resourceName);
}

/** An optional text field: when given, between `min` and `max` characters. */
export function checkOptional(
  field: string,
  value: string | null | undefined,
  min: number,
  max: number,
): void {
  if (value !== undefined && value !== null && (value.length < min || value.length > max)) {
    throw badLength(field, min, max);
  }
}

/** The shape of what an environment is provisioned through (a connection id, a role ARN). */
export function checkProvisioningFields(p: Provisioning): void {
  if (p.connectionId) {
    checkId('environmentAccountConnectionId', p.connectionId);
  }
  if (p.serviceRoleArn) {
    checkString(
      'protonServiceRoleArn',
      p.serviceRoleArn,
      PATTERNS.resourceArn,
      1,
      LIMITS.resourceArn,
    );
  }
}

/** An environment's optional CodeBuild and component role ARNs. */
export function checkRoleFields(input: {
  codebuildRoleArn?: string | null;
  componentRoleArn?: string | null;
}): void {
  for (const field of ['codebuildRoleArn', 'componentRoleArn'] as const) {
    const value = input[field];
    if (value) {
      checkString(field, value, PATTERNS.roleArn, 1, LIMITS.roleArn);
    }
  }
}
