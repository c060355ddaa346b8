import { createHash, createHmac } from 'node:crypto';
import { S3Error } from '@accountlink/common';
import { decodeAwsChunked, payloadMode } from './sigv4-chunked';
import { Credential, expectedSignature, parseCredential, signingKey } from './sigv4';

// AWS's worked example of a chunked upload (Signature Version 4, "Transferring payload in
// multiple chunks"): 66560 bytes of 'a' in a 65536-byte chunk, a 1024-byte chunk and the end.
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SIGNED =
  'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const CHUNKS = [
  [65536, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648'],
  [1024, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'],
  [0, 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'],
] as const;

function encoded(chunks: readonly (readonly [number, string])[]): Buffer {
  return Buffer.concat(
    chunks.map(([size, sig]) =>
      Buffer.from(`${size.toString(16)};chunk-signature=${sig}\r\n${'a'.repeat(size)}\r\n`),
    ),
  );
}

function exampleCredential(): Credential {
  const body = encoded(CHUNKS);
  const request = {
    method: 'PUT',
    url: '/examplebucket/chunkObject.txt',
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${SIGNED},Signature=${SEED}`,
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': String(body.length),
    },
    body,
  };
  const credential = parseCredential(request) as Credential;
  expect(expectedSignature(request, credential, SECRET)).toBe(SEED);
  return credential;
}

describe('aws-chunked payloads', () => {
  it('decodes AWS worked example, checking every chunk signature from the seed', () => {
    const credential = exampleCredential();
    const signing = { credential, seedSignature: SEED, key: signingKey(SECRET, credential) };
    const decoded = decodeAwsChunked(
      encoded(CHUNKS),
      { signedChunks: true, trailer: false },
      signing,
    );
    expect(decoded.body.length).toBe(66560);
    expect(decoded.body.equals(Buffer.alloc(66560, 'a'))).toBe(true);
    expect(decoded.trailers).toEqual({});
  });

  it('refuses a chunk whose signature does not follow from the previous one', () => {
    const credential = exampleCredential();
    const signing = { credential, seedSignature: SEED, key: signingKey(SECRET, credential) };
    const swapped = [CHUNKS[1], CHUNKS[0], CHUNKS[2]] as const;
    expect(() =>
      decodeAwsChunked(encoded(swapped), { signedChunks: true, trailer: false }, signing),
    ).toThrow(expect.objectContaining({ s3Code: 'SignatureDoesNotMatch', status: 403 }));
  });

  it('refuses a body cut short or with bytes after the last chunk', () => {
    const credential = exampleCredential();
    const signing = { credential, seedSignature: SEED, key: signingKey(SECRET, credential) };
    const whole = encoded(CHUNKS);
    for (const body of [whole.subarray(0, 60_000), Buffer.concat([whole, Buffer.from('x')])]) {
      expect(() => decodeAwsChunked(body, { signedChunks: true, trailer: false }, signing)).toThrow(
        expect.objectContaining({ s3Code: 'IncompleteBody' }),
      );
    }
  });

  it('reads an unsigned stream and its checksum trailer', () => {
    const body = Buffer.from(
      '5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n',
    );
    expect(decodeAwsChunked(body, { signedChunks: false, trailer: true }, null)).toEqual({
      body: Buffer.from('hello world'),
      trailers: { 'x-amz-checksum-crc32': 'DUoRhQ==' },
    });
  });

  it('checks the signed trailer after the last chunk', () => {
    const credential = exampleCredential();
    const key = signingKey(SECRET, credential);
    const scope = '20130524/us-east-1/s3/aws4_request';
    const sign = (lines: string[]) =>
      createHmac('sha256', key).update(lines.join('\n')).digest('hex');
    const sha = (data: string) => createHash('sha256').update(data).digest('hex');
    const first = sign([
      'AWS4-HMAC-SHA256-PAYLOAD',
      '20130524T000000Z',
      scope,
      SEED,
      sha(''),
      sha('abc'),
    ]);
    const last = sign([
      'AWS4-HMAC-SHA256-PAYLOAD',
      '20130524T000000Z',
      scope,
      first,
      sha(''),
      sha(''),
    ]);
    const trailer = 'x-amz-checksum-crc32:NSRBwg==\n';
    const trailerSig = sign([
      'AWS4-HMAC-SHA256-TRAILER',
      '20130524T000000Z',
      scope,
      last,
      sha(trailer),
    ]);
    const body = (sig: string) =>
      Buffer.from(
        `3;chunk-signature=${first}\r\nabc\r\n0;chunk-signature=${last}\r\nx-amz-checksum-crc32:NSRBwg==\r\nx-amz-trailer-signature:${sig}\r\n\r\n`,
      );
    const signing = { credential, seedSignature: SEED, key };
    const mode = { signedChunks: true, trailer: true };
    expect(decodeAwsChunked(body(trailerSig), mode, signing)).toEqual({
      body: Buffer.from('abc'),
      trailers: { 'x-amz-checksum-crc32': 'NSRBwg==' },
    });
    expect(() => decodeAwsChunked(body(first), mode, signing)).toThrow(S3Error);
  });

  it('knows the payload modes S3 takes and refuses the rest', () => {
    expect(payloadMode('UNSIGNED-PAYLOAD')).toEqual({ kind: 'unsigned' });
    expect(payloadMode('STREAMING-UNSIGNED-PAYLOAD-TRAILER')).toEqual({
      kind: 'chunked',
      signedChunks: false,
      trailer: true,
    });
    expect(payloadMode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toEqual(
      {
        kind: 'hash',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
    );
    for (const declared of [undefined, 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD', 'nope']) {
      expect(() => payloadMode(declared)).toThrow(
        expect.objectContaining({ s3Code: 'InvalidRequest' }),
      );
    }
  });
});
