import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  checkRequestTime,
  isFailure,
  parseCredential,
  SignedRequest,
  signatureMatches,
} from './sigv4';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

async function signed(
  body: string,
  at: Date,
  extra: Record<string, string> = {},
  unsignableHeaders?: Set<string>,
): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: 'proton',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: SECRET },
    sha256: Sha256,
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 3000,
      path: '/',
      headers: {
        host: '127.0.0.1:3000',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AwsProton20200720.GetEnvironmentAccountConnection',
        ...extra,
      },
      body,
    },
    { signingDate: at, unsignableHeaders },
  );
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { method: 'POST', url: '/', headers, body: Buffer.from(body) };
}

describe('SigV4 verification', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  it('accepts what the AWS SDK signer produces, and reads the credential scope', async () => {
    const request = await signed('{"id":"x"}', now);
    const credential = parseCredential(request);
    if (isFailure(credential)) {
      throw new Error(credential.message);
    }
    expect(credential).toMatchObject({
      accessKeyId: 'AKIAEXAMPLE000000000',
      region: 'eu-west-1',
      service: 'proton',
      date: '20261121',
    });
    expect(signatureMatches(request, credential, SECRET)).toBe(true);
    expect(checkRequestTime(credential, now)).toBeNull();
  });

  it('refuses a wrong secret, a changed body and a changed signed header', async () => {
    const request = await signed('{"id":"x"}', now);
    const credential = parseCredential(request);
    if (isFailure(credential)) {
      throw new Error(credential.message);
    }
    expect(signatureMatches(request, credential, `${SECRET}x`)).toBe(false);
    expect(
      signatureMatches({ ...request, body: Buffer.from('{"id":"y"}') }, credential, SECRET),
    ).toBe(false);
    const tampered = {
      ...request,
      headers: {
        ...request.headers,
        'x-amz-target': 'AwsProton20200720.DeleteEnvironmentAccountConnection',
      },
    };
    expect(signatureMatches(tampered, credential, SECRET)).toBe(false);
  });

  it('refuses requests signed more than 15 minutes away from now, either way', async () => {
    const old = parseCredential(await signed('{}', new Date(now.getTime() - 16 * 60_000)));
    const future = parseCredential(await signed('{}', new Date(now.getTime() + 16 * 60_000)));
    const fine = parseCredential(await signed('{}', new Date(now.getTime() - 14 * 60_000)));
    if (isFailure(old) || isFailure(future) || isFailure(fine)) {
      throw new Error('unexpected parse failure');
    }
    expect(checkRequestTime(old, now)?.message).toMatch(
      /^Signature expired: 20261121T114400Z is now earlier than 20261121T114500Z/,
    );
    expect(checkRequestTime(future, now)?.message).toMatch(/^Signature not yet current/);
    expect(checkRequestTime(fine, now)).toBeNull();
  });

  it('says what is missing, like AWS', () => {
    expect(
      parseCredential({ method: 'POST', url: '/', headers: {}, body: Buffer.alloc(0) }),
    ).toEqual({
      code: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    const partial = parseCredential({
      method: 'POST',
      url: '/',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=abc' },
      body: Buffer.alloc(0),
    });
    expect(partial).toMatchObject({ code: 'IncompleteSignatureException' });
  });

  /** A well-formed Authorization header with the given date and signed headers. */
  function claimed(amzDate: string, signedHeaders = 'host;x-amz-date'): SignedRequest {
    return {
      method: 'POST',
      url: '/',
      headers: {
        host: '127.0.0.1:3000',
        'x-amz-date': amzDate,
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE000000000/${amzDate.slice(0, 8)}/eu-west-1/proton/aws4_request, SignedHeaders=${signedHeaders}, Signature=${'0'.repeat(64)}`,
      },
      body: Buffer.alloc(0),
    };
  }

  it.each([
    ['20261121T999999Z', 'no such time of day'],
    ['20261121T240000Z', 'hour 24'],
    ['20261121T126000Z', 'minute 60'],
    ['20260230T120000Z', 'February 30th'],
    ['20261301T120000Z', 'month 13'],
    ['20261100T120000Z', 'day 0'],
    ['00001121T120000Z', 'year 0'],
  ])('refuses the date %p (%s), which would otherwise never expire', (amzDate) => {
    expect(parseCredential(claimed(amzDate))).toEqual({
      code: 'IncompleteSignatureException',
      message: `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    });
  });

  it('reads a real date as the instant it names', () => {
    const credential = parseCredential(claimed('20240229T235959Z'));
    expect(isFailure(credential) ? credential : credential.signedAt).toBe(
      Date.parse('2024-02-29T23:59:59Z'),
    );
  });

  it.each([
    ['host', 'Host'],
    ['x-amz-date', 'X-Amz-Date'],
    ['x-amz-target', 'X-Amz-Target'],
  ])('requires %p among the signed headers, as AWS does', async (name, label) => {
    const request = await signed('{}', now, {}, new Set([name]));
    expect(request.headers[name]).toBeDefined();
    expect(parseCredential(request)).toEqual({
      code: 'IncompleteSignatureException',
      message: `'${label}' must be a 'SignedHeader' in the AWS Authorization.`,
    });
  });

  it('does not require X-Amz-Target of a request that has none', () => {
    expect(isFailure(parseCredential(claimed('20261121T120000Z')))).toBe(false);
  });
});
