import { AppError, assertUnreachable, ErrorCode } from './app-error';
import { invalid, missing } from './aws-validation';
import { isDependencyFailure } from './dependency-failure';

/** An error in the AWS JSON protocol: `{"__type": type, "message": message}` with this status. */
export class AwsProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The one mapper from domain errors to AWS exception names (the AWS edge's formatError). */
export function toAwsError(error: unknown): AwsProtocolError {
  if (error instanceof AwsProtocolError) {
    return error;
  }
  if (!(error instanceof AppError)) {
    return isDependencyFailure(error)
      ? toAwsError(AppError.unavailable())
      : new AwsProtocolError('InternalServerException', 'An internal error occurred', 500);
  }
  switch (error.code) {
    case ErrorCode.BAD_USER_INPUT:
    case ErrorCode.QUERY_LIMIT_EXCEEDED:
      return new AwsProtocolError('ValidationException', error.message);
    case ErrorCode.FORBIDDEN:
      return new AwsProtocolError('AccessDeniedException', error.message);
    case ErrorCode.NOT_FOUND:
      return new AwsProtocolError('ResourceNotFoundException', error.message);
    case ErrorCode.CONFLICT:
      return new AwsProtocolError('ConflictException', error.message);
    case ErrorCode.QUOTA_EXCEEDED:
      return new AwsProtocolError('ServiceQuotaExceededException', error.message);
    case ErrorCode.THROTTLED:
      return new AwsProtocolError('ThrottlingException', error.message);
    case ErrorCode.UNAUTHENTICATED:
      return new AwsProtocolError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        403,
      );
    case ErrorCode.SERVICE_UNAVAILABLE:
      // Not in Proton's model, so the SDKs see an unmodelled 503, which they retry as transient.
      return new AwsProtocolError('ServiceUnavailableException', error.message, 503);
    case ErrorCode.INTERNAL_SERVER_ERROR:
      return new AwsProtocolError('InternalServerException', 'An internal error occurred', 500);
    default:
      return assertUnreachable(error.code);
  }
}

/**
 * Which HTTP status a modelled Proton error is answered with. `reference`: the API reference's
 * (the seeds'), 400 for every client error. `model`: the SDK model's `httpError` traits (403, 409,
 * 404, 402, 429, 400). The SDKs and the CLI pick the exception by `__type`, so both work with
 * either; `reference` is the default (AWS_ERROR_STATUSES).
 */
export type AwsErrorStatuses = 'reference' | 'model';

/** The `httpError` trait of each of Proton's modelled errors (aws-wire.spec checks the SDK's). */
export const MODEL_ERROR_STATUSES: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  ConflictException: 409,
  InternalServerException: 500,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  ValidationException: 400,
};

/** The HTTP status of an AWS error under the chosen statuses; unmodelled errors keep their own. */
export function awsErrorStatus(error: AwsProtocolError, statuses: AwsErrorStatuses): number {
  return statuses === 'model' ? (MODEL_ERROR_STATUSES[error.type] ?? error.status) : error.status;
}

/** Epoch seconds with milliseconds, the awsJson1_0 timestamp format. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** AWS pagination tokens are `^[A-Za-z0-9+=/]+$`: standard base64 of our opaque cursor. */
export function toNextToken(cursor: string | null): string | undefined {
  return cursor ? Buffer.from(cursor, 'utf8').toString('base64') : undefined;
}

export function fromNextToken(token: string | undefined): string | undefined {
  if (token === undefined) {
    return undefined;
  }
  if (!/^[A-Za-z0-9+=/]+$/.test(token)) {
    throw AppError.badInput('nextToken', 'The pagination token is not valid for this request');
  }
  return Buffer.from(token, 'base64').toString('utf8');
}

type Json = Record<string, unknown>;

/** Reads fields of an AWS JSON request, refusing wrong types with a ValidationException naming them. */
export class WireInput {
  /** `path`: the dotted name of this structure within the request ('' at the top). */
  constructor(
    private readonly body: Json,
    private readonly path = '',
  ) {}

  private name(field: string): string {
    return `${this.path}${field}`;
  }

  string(field: string): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'string') {
      throw invalid(this.name(field), 'Member must be a string');
    }
    return value;
  }

  requiredString(field: string): string {
    const value = this.string(field);
    if (value === undefined) {
      throw missing(this.name(field));
    }
    return value;
  }

  integer(field: string): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw invalid(this.name(field), 'Member must be an integer');
    }
    return value;
  }

  boolean(field: string): boolean | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'boolean') {
      throw invalid(this.name(field), 'Member must be a boolean');
    }
    return value;
  }

  stringList(field: string): string[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw invalid(this.name(field), 'Member must be a list of strings');
    }
    return value as string[];
  }

  tags(field: string): { key: string; value: string }[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (
      !Array.isArray(value) ||
      value.some((t) => !t || typeof t.key !== 'string' || typeof t.value !== 'string')
    ) {
      throw invalid(this.name(field), 'Member must be a list of {key, value} strings');
    }
    return (value as { key: string; value: string }[]).map((t) => ({ key: t.key, value: t.value }));
  }

  /** The `maxResults` of a list operation: 1–100 when given. */
  maxResults(): number | undefined {
    const value = this.integer('maxResults');
    if (value !== undefined && (value < 1 || value > 100)) {
      throw invalid(this.name('maxResults'), 'Member must have value between 1 and 100', value);
    }
    return value;
  }

  /** A nested structure (e.g. `source.s3`), read with the same checks; field names are dotted. */
  object(field: string): WireInput | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalid(this.name(field), 'Member must be a structure');
    }
    return new WireInput(value as Json, `${this.name(field)}.`);
  }

  /** A list of structures (e.g. ListEnvironments' `environmentTemplates`). */
  objectList(field: string): WireInput[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null)) {
      throw invalid(this.name(field), 'Member must be a list of structures');
    }
    return value.map((v, i) => new WireInput(v as Json, `${this.name(field)}.${i + 1}.member.`));
  }
}
