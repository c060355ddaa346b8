import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { AppError, ErrorCode, isDependencyFailure, S3Error } from '@accountlink/common';
import type { BucketListing, BucketRow, ObjectListing } from '@accountlink/proton';

/** S3's XML documents, built and read with fast-xml-parser (which escapes every text node). */
const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const parser = new XMLParser({ ignoreAttributes: true, processEntities: false });

type Node = Record<string, unknown>;

function document(root: string, body: Node): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    [root]: body,
  }) as string;
}

/** S3's <Error> document: code, message, the details the error names, request and host ids. */
export function errorDocument(error: S3Error, requestId: string, hostId: string): string {
  return document('Error', {
    Code: error.s3Code,
    Message: error.message,
    ...error.s3Details,
    RequestId: requestId,
    HostId: hostId,
  });
}

/** The account's canonical user: a stable 64-hex id per tenant and account, named by the account. */
export function ownerOf(tenantId: string, accountId: string): Node {
  return {
    ID: createHash('sha256').update(`${tenantId}:${accountId}`).digest('hex'),
    DisplayName: accountId,
  };
}

export function listBucketsDocument(
  listing: BucketListing,
  owner: Node,
  prefix: string | null,
): string {
  return document('ListAllMyBucketsResult', {
    '@_xmlns': NS,
    Owner: owner,
    Buckets: {
      Bucket: listing.buckets.map((bucket) => ({
        Name: bucket.name,
        CreationDate: bucket.createdAt.toISOString(),
        BucketRegion: bucket.region,
      })),
    },
    ...(listing.nextToken ? { ContinuationToken: listing.nextToken } : {}),
    ...(prefix !== null ? { Prefix: prefix } : {}),
  });
}

export function locationDocument(bucket: BucketRow): string {
  // us-east-1 is the empty constraint, as S3 answers it.
  return document('LocationConstraint', {
    '@_xmlns': NS,
    '#text': bucket.region === 'us-east-1' ? '' : bucket.region,
  });
}

export interface ListObjectsRequest {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  token: string | null;
  startAfter: string | null;
  urlEncoded: boolean;
  owner: Node | null;
}

/** ListObjectsV2's ListBucketResult; with encoding-type=url, every key and prefix URL-encoded. */
export function listObjectsDocument(request: ListObjectsRequest, listing: ObjectListing): string {
  const text = (value: string) => (request.urlEncoded ? encodeURIComponent(value) : value);
  const contents = [];
  const prefixes = [];
  for (const entry of listing.entries) {
    if ('commonPrefix' in entry) {
      prefixes.push({ Prefix: text(entry.commonPrefix) });
    } else {
      contents.push({
        Key: text(entry.object.key),
        LastModified: entry.object.createdAt.toISOString(),
        ETag: `"${entry.object.etag}"`,
        Size: entry.object.size,
        ...(request.owner ? { Owner: request.owner } : {}),
        StorageClass: 'STANDARD',
      });
    }
  }
  return document('ListBucketResult', {
    '@_xmlns': NS,
    Name: request.bucket,
    Prefix: text(request.prefix),
    ...(request.delimiter ? { Delimiter: text(request.delimiter) } : {}),
    MaxKeys: request.maxKeys,
    KeyCount: listing.entries.length,
    IsTruncated: listing.truncated,
    ...(request.token !== null ? { ContinuationToken: request.token } : {}),
    ...(listing.nextToken ? { NextContinuationToken: listing.nextToken } : {}),
    ...(request.startAfter !== null ? { StartAfter: text(request.startAfter) } : {}),
    ...(request.urlEncoded ? { EncodingType: 'url' } : {}),
    Contents: contents,
    CommonPrefixes: prefixes,
  });
}

const malformed = () =>
  new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
    ErrorCode.BAD_USER_INPUT,
  );

/** CreateBucket's optional CreateBucketConfiguration: its LocationConstraint, or null. */
export function locationConstraintOf(body: Buffer): string | null {
  const text = body.toString('utf8').trim();
  if (!text) {
    return null;
  }
  let parsed: Node;
  try {
    parsed = parser.parse(text, true) as Node;
  } catch {
    throw malformed();
  }
  const config = parsed['CreateBucketConfiguration'];
  if (config === undefined) {
    throw malformed();
  }
  if (config === '' || typeof config !== 'object' || config === null) {
    return null;
  }
  const constraint = (config as Node)['LocationConstraint'];
  if (constraint === undefined || constraint === '') {
    return null;
  }
  if (typeof constraint !== 'string') {
    throw malformed();
  }
  return constraint;
}

/** The one mapper from any error to S3's: its own, or the domain code's nearest S3 code. */
export function toS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) {
    return error;
  }
  const code = error instanceof AppError ? error.code : null;
  const message = error instanceof AppError ? error.message : '';
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
    case ErrorCode.QUERY_LIMIT_EXCEEDED:
      return new S3Error('InvalidArgument', message, 400, code);
    case ErrorCode.FORBIDDEN:
    case ErrorCode.UNAUTHENTICATED:
      return new S3Error('AccessDenied', 'Access Denied', 403, code);
    case ErrorCode.THROTTLED:
      return new S3Error('SlowDown', 'Please reduce your request rate.', 503, code);
    case ErrorCode.SERVICE_UNAVAILABLE:
      return new S3Error('ServiceUnavailable', 'Please reduce your request rate.', 503, code);
    case ErrorCode.CONFLICT:
      return new S3Error(
        'OperationAborted',
        'A conflicting conditional operation is currently in progress against this resource. Please try again.',
        409,
        code,
      );
    case ErrorCode.QUOTA_EXCEEDED:
      return new S3Error('QuotaExceeded', message, 403, code);
    case ErrorCode.NOT_FOUND:
      // Not a bucket or key (those have their own errors): S3 says no more than this.
      return new S3Error('AccessDenied', 'Access Denied', 403, code);
    case ErrorCode.INTERNAL_SERVER_ERROR:
    case null:
      return isDependencyFailure(error)
        ? new S3Error(
            'ServiceUnavailable',
            'Please reduce your request rate.',
            503,
            ErrorCode.SERVICE_UNAVAILABLE,
          )
        : new S3Error(
            'InternalError',
            'We encountered an internal error. Please try again.',
            500,
            ErrorCode.INTERNAL_SERVER_ERROR,
          );
  }
}

/** Functionality S3 has and this endpoint does not (multipart, ACLs, versions...): 501. */
export function notImplemented(what: string): S3Error {
  return new S3Error(
    'NotImplemented',
    `A header or query you provided implies functionality that is not implemented: ${what}`,
    501,
    ErrorCode.BAD_USER_INPUT,
  );
}

/**
 * A single byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`), clamped to the object as S3 does;
 * null for none (or a header S3 ignores, such as several ranges); InvalidRange when unsatisfiable.
 */
export function rangeOf(
  value: string | undefined,
  size: number,
): { start: number; end: number } | null {
  const match = value ? /^bytes=(\d*)-(\d*)$/.exec(value.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) {
    return null;
  }
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new S3Error(
      'InvalidRange',
      'The requested range is not satisfiable',
      416,
      ErrorCode.BAD_USER_INPUT,
      {
        RangeRequested: value!.slice(0, 100),
        ActualObjectSize: String(size),
      },
    );
  }
  return { start, end };
}
