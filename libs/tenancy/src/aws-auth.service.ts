import { Injectable } from '@nestjs/common';
import { AwsProtocolError, isAwsRegion } from '@accountlink/common';
import { AuthService } from './auth.service';
import {
  checkRequestTime,
  isFailure,
  parseCredential,
  SignedRequest,
  SIGNATURE_MISMATCH,
  signatureMatches,
} from './sigv4';

export interface AwsIdentity {
  tenantId: string;
  accountId: string;
  region: string;
  accessKeyId: string;
}

/**
 * Authenticates AWS JSON protocol requests the way AWS does: SigV4 against the access key's
 * secret, the account from the key, the region from the credential scope, 15 minutes of skew.
 */
@Injectable()
export class AwsAuthService {
  constructor(private readonly auth: AuthService) {}

  async authenticate(
    request: SignedRequest,
    service: string,
    now = new Date(),
  ): Promise<AwsIdentity> {
    const credential = parseCredential(request);
    if (isFailure(credential)) {
      throw new AwsProtocolError(
        credential.code,
        credential.message,
        credential.code === 'MissingAuthenticationTokenException' ? 403 : 400,
      );
    }
    const key = await this.auth.findAccessKey(credential.accessKeyId);
    if (!key) {
      throw new AwsProtocolError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        403,
      );
    }
    if (credential.service !== service) {
      throw new AwsProtocolError(
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${service}'.`,
        403,
      );
    }
    if (!isAwsRegion(credential.region)) {
      throw new AwsProtocolError(
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not '${credential.region.slice(0, 40)}'.`,
        403,
      );
    }
    if (!signatureMatches(request, credential, key.secretAccessKey)) {
      throw new AwsProtocolError('InvalidSignatureException', SIGNATURE_MISMATCH, 403);
    }
    // After the signature, so that the skew message cannot be had without the secret.
    const skew = checkRequestTime(credential, now);
    if (skew) {
      throw new AwsProtocolError(skew.code, skew.message, 403);
    }
    return {
      tenantId: key.tenantId,
      accountId: key.accountId,
      region: credential.region,
      accessKeyId: credential.accessKeyId,
    };
  }
}
