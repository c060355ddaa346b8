import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ErrorCode, S3Error } from '@accountlink/common';

/**
 * The rules of the simulated S3 store: bucket names, keys, sizes, digests and the listing's
 * grouping, as S3 applies them. Errors carry S3's codes, messages and HTTP statuses.
 */
export const S3_LIMITS = {
  /** Buckets per account (S3's classic default quota). */
  bucketsPerAccount: 100,
  /** The largest key, in UTF-8 bytes. */
  keyBytes: 1024,
  /** ListBuckets' and ListObjectsV2's largest page. */
  maxKeys: 1000,
} as const;

export const S3 = {
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, ErrorCode.NOT_FOUND, {
      BucketName: bucket,
    }),
  noSuchKey: (key: string) =>
    new S3Error('NoSuchKey', 'The specified key does not exist.', 404, ErrorCode.NOT_FOUND, {
      Key: key,
    }),
  invalidBucketName: (bucket: string) =>
    new S3Error(
      'InvalidBucketName',
      'The specified bucket is not valid.',
      400,
      ErrorCode.BAD_USER_INPUT,
      { BucketName: bucket },
    ),
  alreadyOwnedByYou: (bucket: string) =>
    new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      ErrorCode.CONFLICT,
      { BucketName: bucket },
    ),
  notEmpty: (bucket: string) =>
    new S3Error(
      'BucketNotEmpty',
      'The bucket you tried to delete is not empty',
      409,
      ErrorCode.CONFLICT,
      { BucketName: bucket },
    ),
  tooManyBuckets: () =>
    new S3Error(
      'TooManyBuckets',
      'You have attempted to create more buckets than allowed',
      400,
      ErrorCode.QUOTA_EXCEEDED,
    ),
  /** The product's own quota of objects per account (S3 has none): its code says so. */
  objectQuota: (accountId: string, quota: number) =>
    new S3Error(
      'QuotaExceeded',
      `Account ${accountId} has reached its quota of ${quota} bundle objects`,
      403,
      ErrorCode.QUOTA_EXCEEDED,
    ),
  keyTooLong: () =>
    new S3Error('KeyTooLongError', 'Your key is too long', 400, ErrorCode.BAD_USER_INPUT),
  entityTooLarge: (size: number, max: number) =>
    new S3Error(
      'EntityTooLarge',
      'Your proposed upload exceeds the maximum allowed size',
      400,
      ErrorCode.BAD_USER_INPUT,
      { ProposedSize: String(size), MaxSizeAllowed: String(max) },
    ),
  badDigest: (what: string) =>
    new S3Error(
      'BadDigest',
      `The ${what} you specified did not match the calculated checksum.`,
      400,
      ErrorCode.BAD_USER_INPUT,
    ),
  invalidDigest: () =>
    new S3Error(
      'InvalidDigest',
      'The Content-MD5 you specified was invalid.',
      400,
      ErrorCode.BAD_USER_INPUT,
    ),
  invalidArgument: (name: string, value: string, message: string) =>
    new S3Error('InvalidArgument', message, 400, ErrorCode.BAD_USER_INPUT, {
      ArgumentName: name,
      ArgumentValue: value.slice(0, 100),
    }),
  illegalLocation: (constraint: string | null) =>
    new S3Error(
      'IllegalLocationConstraintException',
      `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
      ErrorCode.BAD_USER_INPUT,
    ),
  wrongRegion: (signed: string, bucketRegion: string) =>
    new S3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${signed}' is wrong; expecting '${bucketRegion}'`,
      400,
      ErrorCode.BAD_USER_INPUT,
      { Region: bucketRegion },
    ),
};

/** S3's bucket naming rules (general purpose buckets), each refused as InvalidBucketName. */
export function checkBucketName(name: string): void {
  const valid =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3)$/.test(name);
  if (!valid) {
    throw S3.invalidBucketName(name);
  }
}

export function checkObjectKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > S3_LIMITS.keyBytes) {
    throw S3.keyTooLong();
  }
}

/**
 * The digests a PutObject may declare (Content-MD5 and the flexible checksums, in headers or an
 * aws-chunked trailer), each checked against the body: BadDigest when one disagrees. CRC64NVME is
 * refused rather than accepted unchecked.
 */
export function checkDigests(body: Buffer, declared: Readonly<Record<string, string>>): void {
  const md5 = declared['content-md5'];
  if (md5 !== undefined) {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5)) {
      throw S3.invalidDigest();
    }
    if (createHash('md5').update(body).digest('base64') !== md5) {
      throw S3.badDigest('Content-MD5');
    }
  }
  for (const [name, value] of Object.entries(declared)) {
    if (!name.startsWith('x-amz-checksum-') || name === 'x-amz-checksum-type') {
      continue;
    }
    const algorithm = name.slice('x-amz-checksum-'.length);
    const compute = CHECKSUMS[algorithm];
    if (!compute) {
      throw S3.invalidArgument(
        name,
        value,
        `Checksum algorithm ${algorithm} is not supported here`,
      );
    }
    if (compute(body) !== value) {
      throw S3.badDigest(algorithm.toUpperCase());
    }
  }
}

const bigEndian32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
};

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), which node:zlib does not offer. */
export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The flexible checksums S3 takes, as their headers carry them (base64 of the big-endian digest). */
const CHECKSUMS: Record<string, (body: Buffer) => string> = {
  crc32: (body) => bigEndian32(crc32(body)),
  crc32c: (body) => bigEndian32(crc32c(body)),
  sha1: (body) => createHash('sha1').update(body).digest('base64'),
  sha256: (body) => createHash('sha256').update(body).digest('base64'),
};

/** S3's ETag of a single-part object: the MD5 of its bytes in hex. */
export function etagOf(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/** One entry of a listing page: an object, or a common prefix standing for all keys under it. */
export type ListingEntry<T> = { object: T } | { commonPrefix: string };

/**
 * Where the next keys of a listing start: after a key, or (past a common prefix) at the first key
 * that does not begin with it.
 */
export interface ListingPosition {
  key: string;
  inclusive: boolean;
}

/**
 * The first key after every key that begins with `prefix`, in UTF-8 byte order (which is code
 * point order): the prefix with its last character moved one code point on (over the surrogate
 * range, which no key holds); a last character at U+10FFFF carries into the one before it. Null
 * when no key comes after them all.
 */
export function pastPrefix(prefix: string): ListingPosition | null {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return { key: chars.join('') + String.fromCodePoint(next), inclusive: true };
    }
  }
  return null;
}

/**
 * The entry that `key` makes in a listing under `prefix` with `delimiter`: itself, or the common
 * prefix up to and including the delimiter's first occurrence after the prefix.
 */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | null {
  if (!delimiter) {
    return null;
  }
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? null : key.slice(0, at + delimiter.length);
}
