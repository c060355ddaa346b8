import * as proton from '@aws-sdk/client-proton';
import { AppError, ErrorCode } from './app-error';
import { awsErrorStatus, MODEL_ERROR_STATUSES, toAwsError, WireInput } from './aws-wire';

/** The httpError trait of every error Proton's model declares, as @aws-sdk/client-proton ships it. */
function modelStatuses(): Record<string, number> {
  const statuses: Record<string, number> = {};
  for (const schema of Object.values(proton as unknown as Record<string, unknown>)) {
    if (Array.isArray(schema) && schema[0] === -3 && (schema[3] as { error?: string }).error) {
      statuses[schema[2] as string] = (schema[3] as { httpError: number }).httpError;
    }
  }
  return statuses;
}

describe('HTTP statuses of AWS errors', () => {
  it("keeps the model's httpError traits, exactly", () => {
    expect(MODEL_ERROR_STATUSES).toEqual(modelStatuses());
  });

  it("answers every modelled client error 400 by default (the API reference), the model's status when asked", () => {
    const cases: [AppError, string, number][] = [
      [AppError.badInput('name', 'bad'), 'ValidationException', 400],
      [AppError.forbidden('no'), 'AccessDeniedException', 403],
      [AppError.notFound('gone'), 'ResourceNotFoundException', 404],
      [AppError.conflict('taken'), 'ConflictException', 409],
      [new AppError(ErrorCode.QUOTA_EXCEEDED, 'full'), 'ServiceQuotaExceededException', 402],
      [new AppError(ErrorCode.THROTTLED, 'slow down'), 'ThrottlingException', 429],
    ];
    for (const [error, type, modelStatus] of cases) {
      const wire = toAwsError(error);
      expect(wire.type).toBe(type);
      expect(awsErrorStatus(wire, 'reference')).toBe(400);
      expect(awsErrorStatus(wire, 'model')).toBe(modelStatus);
    }
  });

  it('keeps the status of errors outside the model under either setting', () => {
    const unavailable = toAwsError(AppError.unavailable());
    const unauthenticated = toAwsError(AppError.unauthenticated());
    for (const statuses of ['reference', 'model'] as const) {
      expect(awsErrorStatus(unavailable, statuses)).toBe(503);
      expect(awsErrorStatus(unauthenticated, statuses)).toBe(403);
    }
    expect(awsErrorStatus(toAwsError(new Error('bug')), 'model')).toBe(500);
  });
});

describe('validation messages of the AWS edge', () => {
  const message = (read: () => unknown): string => {
    try {
      read();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a validation error');
  };

  it('names nested members by their dotted path, list members as AWS does', () => {
    const input = new WireInput({
      source: { s3: { key: 'a' } },
      environmentTemplates: [{ templateName: 'web', majorVersion: '1' }, { templateName: 'api' }],
    });
    expect(message(() => input.object('source')?.object('s3')?.requiredString('bucket'))).toBe(
      "1 validation error detected: Value null at 'source.s3.bucket' failed to satisfy constraint: Member must not be null",
    );
    const filters = input.objectList('environmentTemplates') ?? [];
    expect(filters[0].requiredString('majorVersion')).toBe('1');
    expect(message(() => filters[1].requiredString('majorVersion'))).toBe(
      "1 validation error detected: Value null at 'environmentTemplates.2.member.majorVersion' failed to satisfy constraint: Member must not be null",
    );
  });

  it('words wrong types and ranges with the member and the constraint', () => {
    const input = new WireInput({ name: 7, maxResults: 500, tags: 'x', source: [] });
    expect(message(() => input.string('name'))).toBe(
      "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must be a string",
    );
    expect(message(() => input.maxResults())).toBe(
      "1 validation error detected: Value '500' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100",
    );
    expect(message(() => input.tags('tags'))).toMatch(/at 'tags' failed to satisfy constraint/);
    expect(message(() => input.object('source'))).toMatch(
      /at 'source' failed to satisfy constraint: Member must be a structure$/,
    );
  });
});
