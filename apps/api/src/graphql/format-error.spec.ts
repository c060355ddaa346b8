import { Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@accountlink/common';
import { GraphQLError } from 'graphql';
import { formatError } from './format-error';

const wrap = (original: Error) =>
  new GraphQLError(original.message, { originalError: original, path: ['createRole'] });

describe('formatError', () => {
  // The mapper logs unexpected errors; the assertions below are what matters here.
  beforeAll(() => Logger.overrideLogger(false));

  it('keeps the code, message and field of domain errors', () => {
    const error = wrap(AppError.badInput('roleName', 'roleName is invalid'));
    expect(formatError(error.toJSON(), error)).toEqual({
      message: 'roleName is invalid',
      path: ['createRole'],
      locations: undefined,
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'roleName' },
    });
  });

  it('hides unexpected errors: no SQL, no stack, a generic message', () => {
    const error = wrap(
      new Error('duplicate key value violates unique constraint "roles_pkey" SELECT * FROM roles'),
    );
    const formatted = formatError(
      { ...error.toJSON(), extensions: { stacktrace: ['at x'] } },
      error,
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['createRole'],
      locations: undefined,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    });
  });

  it('answers an unreachable dependency as retryable SERVICE_UNAVAILABLE, without its address', () => {
    const error = wrap(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' }),
    );
    const formatted = formatError(error.toJSON(), error);
    expect(formatted.extensions).toEqual({ code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(formatted.message).toMatch(/retry/);
    expect(formatted.message).not.toContain('127.0.0.1');
  });

  it('looks inside errors a plugin threw (wrapped without a path): Postgres refusing is retryable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const error = new GraphQLError(refused.message, { originalError: refused });
    expect(formatError(error.toJSON(), error).extensions).toEqual({
      code: ErrorCode.SERVICE_UNAVAILABLE,
    });
  });

  it("maps Apollo's request errors to BAD_USER_INPUT, keeping the reason", () => {
    const error = new GraphQLError('Cannot query field "x"', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(formatError(error.toJSON(), error).extensions).toEqual({
      code: ErrorCode.BAD_USER_INPUT,
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
  });
});
