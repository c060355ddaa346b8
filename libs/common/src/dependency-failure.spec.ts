import { AppError } from './app-error';
import { toAwsError } from './aws-wire';
import { isDependencyFailure } from './dependency-failure';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDependencyFailure', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    [
      'Postgres shutting down',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['Postgres starting up', withCode('the database system is starting up', '57P03')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a connection exception (class 08)', withCode('connection failure', '08006')],
    ['the pool waiting too long', new Error('timeout exceeded when trying to connect')],
    ['a connection closed by the server', new Error('Connection terminated unexpectedly')],
    [
      'Redis without an offline queue',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['a Redis command timing out', new Error('Command timed out')],
    [
      'ioredis giving up',
      Object.assign(new Error('Reached the max retries per request limit'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
  ])('recognizes %s', (_name, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near "SELEC"', '42601')],
    ['a domain error', AppError.conflict('already exists')],
    ['something that is not an error', 'ECONNREFUSED'],
  ])('does not take %s for one', (_name, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });
});

describe('dependency failures on the AWS edge', () => {
  it('are a retryable 503, not an internal error', () => {
    const error = toAwsError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'));
    expect({ type: error.type, status: error.status }).toEqual({
      type: 'ServiceUnavailableException',
      status: 503,
    });
    expect(error.message).not.toContain('127.0.0.1');
    expect(toAwsError(new Error('bug'))).toMatchObject({
      type: 'InternalServerException',
      status: 500,
    });
  });
});
