import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** An incoming request as SigV4 sees it. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as received, e.g. "/" or "/a%20b?x=1". */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  /** `amzDate` as milliseconds since the epoch (a real instant: parseCredential checks it). */
  signedAt: number;
}

export type SigV4Failure =
  | { code: 'MissingAuthenticationTokenException'; message: string }
  | { code: 'IncompleteSignatureException'; message: string }
  | { code: 'InvalidSignatureException'; message: string };

const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTH =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Reads the Authorization header; the failure says what AWS would answer. */
export function parseCredential(request: SignedRequest): Credential | SigV4Failure {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) {
    return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  }
  const match = AUTH.exec(authorization.trim());
  const amzDate = header(request.headers, 'x-amz-date');
  if (!match || !amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return {
      code: 'IncompleteSignatureException',
      message: `Authorization header requires 'Credential', 'Signature', 'SignedHeaders' and 'X-Amz-Date' parameters. Authorization=${authorization.slice(0, 32)}`,
    };
  }
  const [, accessKeyId, date, region, service, signedHeaders, signature] =
    match as unknown as string[];
  const signedAt = instantOf(amzDate);
  if (signedAt === null) {
    return {
      code: 'IncompleteSignatureException',
      message: `Date must be in ISO-8601 'basic format'. Got '${amzDate.slice(0, 32)}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    };
  }
  const signed = signedHeaders!.split(';');
  const unsigned = REQUIRED_SIGNED_HEADERS.find(
    ([name, always]) => !signed.includes(name) && (always || request.headers[name] !== undefined),
  );
  if (unsigned) {
    return {
      code: 'IncompleteSignatureException',
      message: `'${unsigned[2]}' must be a 'SignedHeader' in the AWS Authorization.`,
    };
  }
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signed,
    signature: signature!,
    amzDate,
    signedAt,
  };
}

/**
 * Headers the signature must cover, as AWS requires: the host and the date always (the date
 * travels in `x-amz-date`), and the JSON protocol's operation whenever the request names one, so
 * that a captured signature cannot be replayed against another operation.
 */
const REQUIRED_SIGNED_HEADERS: readonly [name: string, always: boolean, label: string][] = [
  ['host', true, 'Host'],
  ['x-amz-date', true, 'X-Amz-Date'],
  ['x-amz-target', false, 'X-Amz-Target'],
];

/** `YYYYMMDDTHHMMSSZ` as an instant, or null unless every field is in range (no rollover). */
function instantOf(amzDate: string): number | null {
  const field = (from: number, to: number) => Number(amzDate.slice(from, to));
  const [year, month, day] = [field(0, 4), field(4, 6), field(6, 8)];
  const [hour, minute, second] = [field(9, 11), field(11, 13), field(13, 15)];
  const at = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(at);
  const exact =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return exact ? at : null;
}

/** Checks the request time against the clock, allowing AWS's 15 minutes either way. */
export function checkRequestTime(credential: Credential, now: Date): SigV4Failure | null {
  const { signedAt } = credential;
  const stamp = (t: number) =>
    new Date(t)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
  if (signedAt < now.getTime() - MAX_SKEW_MS) {
    return {
      code: 'InvalidSignatureException',
      message: `Signature expired: ${credential.amzDate} is now earlier than ${stamp(now.getTime() - MAX_SKEW_MS)} (${stamp(now.getTime())} - 15 min.)`,
    };
  }
  if (signedAt > now.getTime() + MAX_SKEW_MS) {
    return {
      code: 'InvalidSignatureException',
      message: `Signature not yet current: ${credential.amzDate} is still later than ${stamp(now.getTime() + MAX_SKEW_MS)} (${stamp(now.getTime())} + 15 min.)`,
    };
  }
  if (credential.date !== credential.amzDate.slice(0, 8)) {
    return {
      code: 'InvalidSignatureException',
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credential.date}' != '${credential.amzDate.slice(0, 8)}'`,
    };
  }
  return null;
}

const encode = (value: string) =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

function canonicalQuery(query: string): string {
  if (!query) {
    return '';
  }
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k, v = ''] = pair.split('=');
      return [
        encode(decodeURIComponent((k ?? '').replace(/\+/g, ' '))),
        encode(decodeURIComponent(v.replace(/\+/g, ' '))),
      ];
    })
    .sort(([a, av], [b, bv]) =>
      a === b ? ((av ?? '') < (bv ?? '') ? -1 : 1) : (a ?? '') < (b ?? '') ? -1 : 1,
    )
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function canonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
  const [path = '/', query = ''] = request.url.split('?', 2);
  const headers = signedHeaders
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash =
    header(request.headers, 'x-amz-content-sha256') ??
    createHash('sha256').update(request.body).digest('hex');
  return [
    request.method.toUpperCase(),
    path || '/',
    canonicalQuery(query),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function expectedSignature(
  request: SignedRequest,
  credential: Credential,
  secretAccessKey: string,
): string {
  const hashed = createHash('sha256')
    .update(canonicalRequest(request, credential.signedHeaders))
    .digest('hex');
  const toSign = ['AWS4-HMAC-SHA256', credential.amzDate, credentialScope(credential), hashed].join(
    '\n',
  );
  return createHmac('sha256', signingKey(secretAccessKey, credential)).update(toSign).digest('hex');
}

/** `date/region/service/aws4_request`, the credential's scope. */
export function credentialScope(credential: Credential): string {
  return `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
}

/** The key that signs requests (and aws-chunked chunks) of this credential's scope. */
export function signingKey(secretAccessKey: string, credential: Credential): Buffer {
  const hmac = (key: Buffer | string, data: string) =>
    createHmac('sha256', key).update(data).digest();
  return hmac(
    hmac(
      hmac(hmac(`AWS4${secretAccessKey}`, credential.date), credential.region),
      credential.service,
    ),
    'aws4_request',
  );
}

/**
 * True when the signature matches (compared in constant time). A declared payload hash must be
 * the body's, unless the caller checks the payload itself (`payload: 'declared'`: S3, whose
 * requests may declare UNSIGNED-PAYLOAD or an aws-chunked stream whose chunks are signed).
 */
export function signatureMatches(
  request: SignedRequest,
  credential: Credential,
  secretAccessKey: string,
  payload: 'body' | 'declared' = 'body',
): boolean {
  const declared = header(request.headers, 'x-amz-content-sha256');
  if (
    payload === 'body' &&
    declared !== undefined &&
    declared !== createHash('sha256').update(request.body).digest('hex')
  ) {
    return false;
  }
  const expected = Buffer.from(expectedSignature(request, credential, secretAccessKey), 'hex');
  const given = Buffer.from(credential.signature, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function isFailure(value: Credential | SigV4Failure): value is SigV4Failure {
  return 'code' in value;
}
