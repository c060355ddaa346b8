import { createHash } from 'node:crypto';
import { S3Error } from '@accountlink/common';
import {
  checkBucketName,
  checkDigests,
  checkObjectKey,
  commonPrefixOf,
  crc32c,
  etagOf,
  pastPrefix,
} from './s3-rules';

function s3Code(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (error) {
    if (error instanceof S3Error) {
      return error.s3Code;
    }
    throw error;
  }
}

const HELLO = Buffer.from('hello world');

describe('bucket names', () => {
  it.each(['proton-templates', 'abc', 'my.bucket.1', 'a'.repeat(63), '0-9'])('takes %s', (name) => {
    expect(s3Code(() => checkBucketName(name))).toBeNull();
  });

  it.each([
    'ab',
    'a'.repeat(64),
    'Upper',
    'under_score',
    '-leading',
    'trailing-',
    'double..dot',
    '192.168.5.4',
    'xn--punycode',
    'sthree-reserved',
    'amzn-s3-demo-bucket',
    'access-s3alias',
    'object--ol-s3',
    'point.mrap',
    'express--x-s3',
  ])('refuses %s as InvalidBucketName', (name) => {
    expect(s3Code(() => checkBucketName(name))).toBe('InvalidBucketName');
  });
});

describe('object keys', () => {
  it('takes up to 1024 bytes of UTF-8, counting bytes rather than characters', () => {
    expect(s3Code(() => checkObjectKey('k'.repeat(1024)))).toBeNull();
    expect(s3Code(() => checkObjectKey('k'.repeat(1025)))).toBe('KeyTooLongError');
    expect(s3Code(() => checkObjectKey('é'.repeat(512)))).toBeNull();
    expect(s3Code(() => checkObjectKey('é'.repeat(513)))).toBe('KeyTooLongError');
  });
});

describe('digests', () => {
  it('checks Content-MD5 and the flexible checksums against the body', () => {
    const md5 = createHash('md5').update(HELLO).digest('base64');
    const good = {
      'content-md5': md5,
      'x-amz-checksum-crc32': 'DUoRhQ==',
      'x-amz-checksum-crc32c': 'yZRlqg==',
      'x-amz-checksum-sha1': createHash('sha1').update(HELLO).digest('base64'),
      'x-amz-checksum-sha256': createHash('sha256').update(HELLO).digest('base64'),
      'x-amz-checksum-type': 'FULL_OBJECT',
    };
    expect(s3Code(() => checkDigests(HELLO, good))).toBeNull();
    for (const name of Object.keys(good).filter((n) => n !== 'x-amz-checksum-type')) {
      const wrong = {
        ...good,
        [name]: name === 'content-md5' ? '1B2M2Y8AsgTpgAEY7i9+Kw==' : 'AAAAAA==',
      };
      expect({ name, code: s3Code(() => checkDigests(HELLO, wrong)) }).toEqual({
        name,
        code: 'BadDigest',
      });
    }
  });

  it('refuses a malformed Content-MD5 and an algorithm it cannot check', () => {
    expect(s3Code(() => checkDigests(HELLO, { 'content-md5': 'not-md5' }))).toBe('InvalidDigest');
    expect(s3Code(() => checkDigests(HELLO, { 'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA=' }))).toBe(
      'InvalidArgument',
    );
  });

  it('computes CRC-32C as the standard check value says', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
  });

  it('gives the ETag of a single-part object as the hex MD5', () => {
    expect(etagOf(HELLO)).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
  });
});

describe('listing positions', () => {
  it('finds the first key past every key under a prefix', () => {
    expect(pastPrefix('a/')).toEqual({ key: 'a0', inclusive: true });
    expect(pastPrefix('z')).toEqual({ key: '{', inclusive: true });
    expect(pastPrefix('é')).toEqual({ key: 'ê', inclusive: true });
    // Past the surrogate range, and carrying over the last code point.
    expect(pastPrefix('a\ud7ff')).toEqual({ key: 'a\ue000', inclusive: true });
    expect(pastPrefix('a\u{10ffff}')).toEqual({ key: 'b', inclusive: true });
    expect(pastPrefix('\u{10ffff}')).toBeNull();
    expect(pastPrefix('')).toBeNull();
  });

  it('orders the position after every key with the prefix, in UTF-8 byte order', () => {
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    for (const prefix of ['a/', 'é', 'x\ud7ff', '\u{1f600}']) {
      const past = bytes(pastPrefix(prefix)!.key);
      for (const key of [prefix, `${prefix}\u0000`, `${prefix}zzz`, `${prefix}\u{10ffff}`]) {
        expect({ prefix, key, after: Buffer.compare(past, bytes(key)) > 0 }).toEqual({
          prefix,
          key,
          after: true,
        });
      }
    }
  });

  it('rolls keys into the common prefix up to the delimiter after the prefix', () => {
    expect(commonPrefixOf('a/b/c', 'a/', '/')).toBe('a/b/');
    expect(commonPrefixOf('a/c', 'a/', '/')).toBeNull();
    expect(commonPrefixOf('photos-2026-x', 'photos', '-')).toBe('photos-');
    expect(commonPrefixOf('a/b', '', '')).toBeNull();
    expect(commonPrefixOf('a//b', 'a/', '/')).toBe('a//');
  });
});
