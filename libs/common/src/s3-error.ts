import { AppError, ErrorCode } from './app-error';

/**
 * A refusal of the simulated S3 store, in S3's own vocabulary (`NoSuchBucket`, `AccessDenied`...).
 * It is an AppError, so GraphQL callers of the store get the matching domain code; the S3 edge
 * answers with `s3Code`, `status` and `details` as S3's XML error document.
 */
export class S3Error extends AppError {
  constructor(
    readonly s3Code: string,
    message: string,
    readonly status: number,
    code: ErrorCode,
    /** Extra elements of S3's <Error> document (BucketName, Key, Region...). */
    readonly s3Details: Readonly<Record<string, string>> = {},
  ) {
    super(code, message, undefined, s3Details);
    this.name = 'S3Error';
    this.stack = `S3Error: ${s3Code}: ${message}`;
  }
}

export function isS3Error(error: unknown): error is S3Error {
  return error instanceof S3Error;
}
