import { XMLParser } from 'fast-xml-parser';
import { AppError, ErrorCode, S3Error } from '@accountlink/common';
import {
  errorDocument,
  listObjectsDocument,
  ListObjectsRequest,
  locationConstraintOf,
  rangeOf,
  toS3Error,
} from './s3-wire';

const parse = (xml: string) => new XMLParser({ parseTagValue: false }).parse(xml);

function s3Code(action: () => unknown): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return error instanceof S3Error ? error.s3Code : String(error);
  }
}

const request: ListObjectsRequest = {
  bucket: 'b',
  prefix: 'a&<',
  delimiter: '/',
  maxKeys: 1000,
  token: null,
  startAfter: null,
  urlEncoded: false,
  owner: null,
};

const object = (key: string) => ({
  object: {
    bucket: 'b',
    key,
    size: 3,
    etag: 'e',
    contentType: 'text/plain',
    createdAt: new Date('2026-12-04T00:00:00Z'),
  },
});

describe('S3 XML documents', () => {
  it('escapes keys and messages, so that every document parses back to what was stored', () => {
    const xml = listObjectsDocument(request, {
      entries: [object('a&<b>"c\''), { commonPrefix: 'a&</' }],
      truncated: false,
      nextToken: null,
    });
    expect(xml).not.toContain('<b>');
    const result = parse(xml).ListBucketResult;
    expect(result).toMatchObject({
      Name: 'b',
      Prefix: 'a&<',
      Delimiter: '/',
      KeyCount: '2',
      IsTruncated: 'false',
      Contents: { Key: 'a&<b>"c\'', ETag: '"e"', Size: '3', StorageClass: 'STANDARD' },
      CommonPrefixes: { Prefix: 'a&</' },
    });
    const error = parse(
      errorDocument(
        new S3Error('NoSuchKey', 'no <key> & more', 404, ErrorCode.NOT_FOUND, { Key: 'k<' }),
        'r',
        'h',
      ),
    ).Error;
    expect(error).toEqual({
      Code: 'NoSuchKey',
      Message: 'no <key> & more',
      Key: 'k<',
      RequestId: 'r',
      HostId: 'h',
    });
  });

  it('URL-encodes keys and prefixes with encoding-type=url, as the CLI asks', () => {
    const result = parse(
      listObjectsDocument(
        { ...request, prefix: 'a b', urlEncoded: true, token: 't', startAfter: 'a b/0' },
        { entries: [object('a b/é')], truncated: true, nextToken: 'n' },
      ),
    ).ListBucketResult;
    expect(result).toMatchObject({
      Prefix: 'a%20b',
      StartAfter: 'a%20b%2F0',
      EncodingType: 'url',
      ContinuationToken: 't',
      NextContinuationToken: 'n',
      IsTruncated: 'true',
      Contents: { Key: 'a%20b%2F%C3%A9' },
    });
  });

  it("reads CreateBucket's LocationConstraint, refusing what is not its document", () => {
    const config = (inner: string) =>
      Buffer.from(
        `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</CreateBucketConfiguration>`,
      );
    expect(locationConstraintOf(Buffer.alloc(0))).toBeNull();
    expect(locationConstraintOf(config('<LocationConstraint>eu-west-1</LocationConstraint>'))).toBe(
      'eu-west-1',
    );
    expect(locationConstraintOf(config(''))).toBeNull();
    expect(s3Code(() => locationConstraintOf(Buffer.from('<Other/>')))).toBe('MalformedXML');
    expect(s3Code(() => locationConstraintOf(Buffer.from('<CreateBucketConfiguration>')))).toBe(
      'MalformedXML',
    );
    expect(s3Code(() => locationConstraintOf(Buffer.from('not xml')))).toBe('MalformedXML');
  });
});

describe('byte ranges', () => {
  it('reads the single-range forms, clamped to the object', () => {
    expect(rangeOf('bytes=0-4', 11)).toEqual({ start: 0, end: 4 });
    expect(rangeOf('bytes=6-', 11)).toEqual({ start: 6, end: 10 });
    expect(rangeOf('bytes=-5', 11)).toEqual({ start: 6, end: 10 });
    expect(rangeOf('bytes=-50', 11)).toEqual({ start: 0, end: 10 });
    expect(rangeOf('bytes=3-99', 11)).toEqual({ start: 3, end: 10 });
  });

  it('ignores what S3 ignores and refuses what cannot be satisfied', () => {
    expect(rangeOf(undefined, 11)).toBeNull();
    expect(rangeOf('bytes=0-1,3-4', 11)).toBeNull();
    expect(rangeOf('items=0-1', 11)).toBeNull();
    expect(s3Code(() => rangeOf('bytes=11-', 11))).toBe('InvalidRange');
    expect(s3Code(() => rangeOf('bytes=5-2', 11))).toBe('InvalidRange');
    expect(s3Code(() => rangeOf('bytes=0-0', 0))).toBe('InvalidRange');
  });
});

describe('errors on the S3 wire', () => {
  it("maps the product's codes to S3's, never passing an internal message on", () => {
    const mapped = (error: unknown) => {
      const s3 = toS3Error(error);
      return [s3.s3Code, s3.status];
    };
    expect(mapped(new AppError(ErrorCode.BAD_USER_INPUT, 'bad'))).toEqual(['InvalidArgument', 400]);
    expect(mapped(new AppError(ErrorCode.FORBIDDEN, 'no'))).toEqual(['AccessDenied', 403]);
    expect(mapped(new AppError(ErrorCode.THROTTLED, 'slow'))).toEqual(['SlowDown', 503]);
    expect(mapped(new AppError(ErrorCode.CONFLICT, 'busy'))).toEqual(['OperationAborted', 409]);
    expect(mapped(new AppError(ErrorCode.NOT_FOUND, 'no such account'))).toEqual([
      'AccessDenied',
      403,
    ]);
    const internal = toS3Error(new Error('connection string postgres://secret'));
    expect([internal.s3Code, internal.status, internal.message]).toEqual([
      'InternalError',
      500,
      'We encountered an internal error. Please try again.',
    ]);
  });
});
