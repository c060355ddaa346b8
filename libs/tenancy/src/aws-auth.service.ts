import { Injectable } from '@nestjs/common';
import { AwsProtocolError, ErrorCode, isAwsRegion, S3Error } from '@accountlink/common';
import { AuthService } from './auth.service';
import {
  checkRequestTime,
  Credential,
  isFailure,
  parseCredential,
  SignedRequest,
  SIGNATURE_MISMATCH,
  signatureMatches,
  signingKey,
} from './sigv4';
import { ChunkSigning } from './sigv4-chunked';

export interface AwsIdentity {
  tenantId: string;
  accountId: string;
  region: string;
  accessKeyId: string;
}

/** Why a signed request was refused, before each protocol words it its own way. */
type Refusal =
  'missing' | 'incomplete' | 'unknown-key' | 'wrong-service' | 'wrong-region' | 'mismatch' | 'skew';

class AuthRefusal {
  constructor(
    readonly reason: Refusal,
    readonly message: string,
  ) {}
}

interface Verified {
  identity: AwsIdentity;
  credential: Credential;
  secretAccessKey: string;
}

/**
 * Authenticates AWS requests the way AWS does: SigV4 against the access key's secret, the account
 * from the key, the region from the credential scope, 15 minutes of skew. The JSON protocol
 * (Proton) and S3 refuse in their own words.
 */
@Injectable()
export class AwsAuthService {
  constructor(private readonly auth: AuthService) {}

  async authenticate(
    request: SignedRequest,
    service: string,
    now = new Date(),
  ): Promise<AwsIdentity> {
    try {
      return (await this.verify(request, service, 'body', now)).identity;
    } catch (error) {
      throw error instanceof AuthRefusal ? jsonRefusal(error) : error;
    }
  }

  /**
   * An S3 request: its payload is checked by the caller (a hash, UNSIGNED-PAYLOAD or an
   * aws-chunked stream), with the returned signing context for the chunks' signatures.
   */
  async authenticateS3(
    request: SignedRequest,
    now = new Date(),
  ): Promise<{ identity: AwsIdentity; signing: ChunkSigning }> {
    try {
      const { identity, credential, secretAccessKey } = await this.verify(
        request,
        's3',
        'declared',
        now,
      );
      return {
        identity,
        signing: {
          credential,
          seedSignature: credential.signature,
          key: signingKey(secretAccessKey, credential),
        },
      };
    } catch (error) {
      throw error instanceof AuthRefusal ? s3Refusal(error, credential(request)) : error;
    }
  }

  private async verify(
    request: SignedRequest,
    service: string,
    payload: 'body' | 'declared',
    now: Date,
  ): Promise<Verified> {
    const credential = parseCredential(request);
    if (isFailure(credential)) {
      throw new AuthRefusal(
        credential.code === 'MissingAuthenticationTokenException' ? 'missing' : 'incomplete',
        credential.message,
      );
    }
    const key = await this.auth.findAccessKey(credential.accessKeyId);
    if (!key) {
      throw new AuthRefusal(
        'unknown-key',
        'The security token included in the request is invalid.',
      );
    }
    if (credential.service !== service) {
      throw new AuthRefusal(
        'wrong-service',
        `Credential should be scoped to correct service: '${service}'.`,
      );
    }
    if (!isAwsRegion(credential.region)) {
      throw new AuthRefusal(
        'wrong-region',
        `Credential should be scoped to a valid region, not '${credential.region.slice(0, 40)}'.`,
      );
    }
    if (!signatureMatches(request, credential, key.secretAccessKey, payload)) {
      throw new AuthRefusal('mismatch', SIGNATURE_MISMATCH);
    }
    // After the signature, so that the skew message cannot be had without the secret.
    const skew = checkRequestTime(credential, now);
    if (skew) {
      throw new AuthRefusal('skew', skew.message);
    }
    return {
      identity: {
        tenantId: key.tenantId,
        accountId: key.accountId,
        region: credential.region,
        accessKeyId: credential.accessKeyId,
      },
      credential,
      secretAccessKey: key.secretAccessKey,
    };
  }
}

const JSON_CODES: Record<Refusal, [type: string, status: number]> = {
  missing: ['MissingAuthenticationTokenException', 403],
  incomplete: ['IncompleteSignatureException', 400],
  'unknown-key': ['UnrecognizedClientException', 403],
  'wrong-service': ['InvalidSignatureException', 403],
  'wrong-region': ['InvalidSignatureException', 403],
  mismatch: ['InvalidSignatureException', 403],
  skew: ['InvalidSignatureException', 403],
};

function jsonRefusal(refusal: AuthRefusal): AwsProtocolError {
  const [type, status] = JSON_CODES[refusal.reason];
  return new AwsProtocolError(type, refusal.message, status);
}

/** The credential's access key id, for S3's InvalidAccessKeyId document; null when unreadable. */
function credential(request: SignedRequest): Credential | null {
  const parsed = parseCredential(request);
  return isFailure(parsed) ? null : parsed;
}

/** S3's words for the same refusals (its REST API documents these codes). */
function s3Refusal(refusal: AuthRefusal, parsed: Credential | null): S3Error {
  switch (refusal.reason) {
    case 'missing':
      return new S3Error('AccessDenied', 'Access Denied', 403, ErrorCode.UNAUTHENTICATED);
    case 'unknown-key':
      return new S3Error(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        403,
        ErrorCode.UNAUTHENTICATED,
        { AWSAccessKeyId: parsed?.accessKeyId.slice(0, 128) ?? '' },
      );
    case 'mismatch':
      return new S3Error(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        403,
        ErrorCode.UNAUTHENTICATED,
      );
    case 'skew':
      return new S3Error(
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
        403,
        ErrorCode.UNAUTHENTICATED,
        { RequestTime: parsed?.amzDate ?? '' },
      );
    case 'incomplete':
    case 'wrong-region':
    case 'wrong-service':
      return new S3Error(
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; ${refusal.message}`,
        400,
        ErrorCode.UNAUTHENTICATED,
      );
  }
}
