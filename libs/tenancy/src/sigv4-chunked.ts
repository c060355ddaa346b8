import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCode, S3Error } from '@accountlink/common';
import { Credential, credentialScope } from './sigv4';

/**
 * The payload modes an S3 request declares in x-amz-content-sha256, besides a plain hash:
 * UNSIGNED-PAYLOAD, and the aws-chunked streams (chunks signed one after another from the
 * request's signature, or unsigned with a checksum trailer).
 */
export type PayloadMode =
  | { kind: 'hash'; sha256: string }
  | { kind: 'unsigned' }
  | { kind: 'chunked'; signedChunks: boolean; trailer: boolean };

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

const STREAMING: Record<string, { signedChunks: boolean; trailer: boolean }> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { signedChunks: true, trailer: false },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { signedChunks: true, trailer: true },
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': { signedChunks: false, trailer: true },
};

const invalidRequest = (message: string) =>
  new S3Error('InvalidRequest', message, 400, ErrorCode.BAD_USER_INPUT);
const incompleteBody = () =>
  new S3Error(
    'IncompleteBody',
    'The request body terminated unexpectedly',
    400,
    ErrorCode.BAD_USER_INPUT,
  );
const chunkSignatureMismatch = () =>
  new S3Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    403,
    ErrorCode.UNAUTHENTICATED,
  );

/** What x-amz-content-sha256 declares; S3 refuses a request without it. */
export function payloadMode(declared: string | undefined): PayloadMode {
  if (declared === undefined) {
    return invalidRequestThrow('Missing required header for this request: x-amz-content-sha256');
  }
  if (/^[0-9a-f]{64}$/.test(declared)) {
    return { kind: 'hash', sha256: declared };
  }
  if (declared === 'UNSIGNED-PAYLOAD') {
    return { kind: 'unsigned' };
  }
  const streaming = STREAMING[declared];
  if (streaming) {
    return { kind: 'chunked', ...streaming };
  }
  return invalidRequestThrow(
    `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-UNSIGNED-PAYLOAD-TRAILER or a valid sha256 value.`,
  );
}

function invalidRequestThrow(message: string): never {
  throw invalidRequest(message);
}

export interface ChunkSigning {
  credential: Credential;
  /** The request's own signature: the first chunk's "previous signature". */
  seedSignature: string;
  key: Buffer;
}

export interface DecodedPayload {
  body: Buffer;
  /** The trailer's headers (lower-case names), e.g. x-amz-checksum-crc32. */
  trailers: Record<string, string>;
}

/**
 * Decodes an aws-chunked body: `<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n` repeated,
 * ending with a zero-size chunk and, when declared, trailer headers (signed by
 * x-amz-trailer-signature in the signed mode). Every chunk signature is checked in order.
 */
export function decodeAwsChunked(
  encoded: Buffer,
  mode: { signedChunks: boolean; trailer: boolean },
  signing: ChunkSigning | null,
): DecodedPayload {
  if (mode.signedChunks && !signing) {
    throw new Error('signed chunks need the signing context');
  }
  const parts: Buffer[] = [];
  let at = 0;
  let previous = signing?.seedSignature ?? '';
  const line = (): string => {
    const end = encoded.indexOf('\r\n', at);
    if (end < 0 || end - at > 4096) {
      throw incompleteBody();
    }
    const text = encoded.subarray(at, end).toString('latin1');
    at = end + 2;
    return text;
  };
  for (;;) {
    const header = line();
    const match = /^([0-9a-fA-F]{1,8})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(header);
    if (!match || Boolean(match[2]) !== mode.signedChunks) {
      throw incompleteBody();
    }
    const size = parseInt(match[1]!, 16);
    if (at + size > encoded.length) {
      throw incompleteBody();
    }
    const data = encoded.subarray(at, at + size);
    at += size;
    if (signing && match[2]) {
      const hash = createHash('sha256').update(data).digest('hex');
      previous = checkSignature(
        signing,
        [
          'AWS4-HMAC-SHA256-PAYLOAD',
          signing.credential.amzDate,
          credentialScope(signing.credential),
          previous,
          EMPTY_SHA256,
          hash,
        ],
        match[2],
      );
    }
    if (size === 0) {
      break;
    }
    parts.push(data);
    if (line() !== '') {
      throw incompleteBody();
    }
  }
  const trailers: Record<string, string> = {};
  let canonicalTrailer = '';
  let trailerSignature: string | undefined;
  for (;;) {
    if (at >= encoded.length && !mode.trailer) {
      break;
    }
    const text = line();
    if (text === '') {
      break;
    }
    const colon = text.indexOf(':');
    if (!mode.trailer || colon < 1) {
      throw incompleteBody();
    }
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      trailerSignature = value;
    } else {
      trailers[name] = value;
      canonicalTrailer += `${name}:${value}\n`;
    }
  }
  if (signing && mode.trailer && mode.signedChunks) {
    if (!trailerSignature || !/^[0-9a-f]{64}$/.test(trailerSignature)) {
      throw chunkSignatureMismatch();
    }
    const hash = createHash('sha256').update(canonicalTrailer).digest('hex');
    checkSignature(
      signing,
      [
        'AWS4-HMAC-SHA256-TRAILER',
        signing.credential.amzDate,
        credentialScope(signing.credential),
        previous,
        hash,
      ],
      trailerSignature,
    );
  }
  if (at !== encoded.length) {
    throw incompleteBody();
  }
  return { body: Buffer.concat(parts), trailers };
}

/** The chunk's expected signature must be the one given; it becomes the next "previous". */
function checkSignature(signing: ChunkSigning, lines: string[], given: string): string {
  const expected = createHmac('sha256', signing.key).update(lines.join('\n')).digest();
  const actual = Buffer.from(given, 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw chunkSignatureMismatch();
  }
  return given;
}
