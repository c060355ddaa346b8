import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { AppError, ErrorCode, isAppError, isDependencyFailure } from '@accountlink/common';
import { WorldService } from '@accountlink/iam';
import { AuthService, principalInTenantPath, requireTenantAdmin } from '@accountlink/tenancy';
import type { Request, Response } from 'express';
import { tenantPathOf } from './tenant-path';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/**
 * The one download of a createWorld call's credentials, as NDJSON (a line per created account:
 * accountId, apiKey, accessKeyId, secretAccessKey). The token travels in a header, never in the
 * URL, so no access log holds it. Errors are JSON `{ "error": { "code", "message" } }`.
 */
@Controller('worlds')
export class WorldCredentialsController {
  constructor(
    private readonly auth: AuthService,
    private readonly worlds: WorldService,
  ) {}

  @Get(':worldId/credentials')
  async download(
    @Param('worldId') worldId: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-download-token') token: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    try {
      const admin = requireTenantAdmin(
        principalInTenantPath(tenantPathOf(req), await this.auth.authenticate(authorization)),
      );
      if (!token) {
        throw AppError.notFound('No credentials wait under this world id and token');
      }
      const text = await this.worlds.downloadCredentials(admin.tenantId, worldId, token);
      res.status(200).type('application/x-ndjson').send(text);
    } catch (error) {
      const known = isAppError(error)
        ? error
        : isDependencyFailure(error)
          ? AppError.unavailable()
          : null;
      if (!known) {
        throw error;
      }
      res
        .status(STATUS[known.code] ?? 400)
        .json({ error: { code: known.code, message: known.message } });
    }
  }
}
