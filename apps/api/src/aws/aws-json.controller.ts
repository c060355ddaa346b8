import { randomUUID } from 'node:crypto';
import { Controller, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import {
  AwsProtocolError,
  WireInput,
  awsErrorStatus,
  jsonShapeProblem,
  toAwsError,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { ProtonOperations } from '@accountlink/proton';
import { Metrics } from '@accountlink/observability';
import {
  assertInTenantPath,
  AwsAuthService,
  decideFault,
  TenantSettingsService,
  ThrottleService,
} from '@accountlink/tenancy';
import type { Request, Response } from 'express';
import { RequestShares } from '../http/request-shares';
import { tenantPathOf } from '../http/tenant-path';

const PROTON_TARGET = 'AwsProton20200720';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/**
 * The AWS JSON 1.0 protocol at POST /, so that the AWS SDKs and CLI work unchanged:
 * X-Amz-Target dispatch, SigV4, errors as {"__type", "message"} with x-amzn-errortype.
 */
@Controller()
export class AwsJsonController {
  private readonly logger = new Logger('AwsJson');

  constructor(
    private readonly auth: AwsAuthService,
    private readonly throttle: ThrottleService,
    private readonly proton: ProtonOperations,
    private readonly shares: RequestShares,
    private readonly settings: TenantSettingsService,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('/')
  async handle(@Req() req: Request & { id?: string }, @Res() res: Response): Promise<void> {
    const requestId = req.id ?? randomUUID();
    res.setHeader('x-amzn-requestid', requestId);
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const identity = await this.auth.authenticate(
        { method: req.method, url: req.originalUrl, headers: req.headers, body },
        'proton',
      );
      assertInTenantPath(tenantPathOf(req), identity.tenantId);
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, name] = target.split('.', 2);
      const operation =
        prefix === PROTON_TARGET && name ? this.proton.operations.get(name) : undefined;
      if (!operation) {
        throw new AwsProtocolError(
          'UnknownOperationException',
          `Unknown operation ${target.slice(0, 100)}`,
        );
      }
      await this.throttle.check(identity.tenantId, identity.accountId);
      await this.injectFaults(identity.tenantId, name ?? '');
      // The tenant's turn (RequestShares) lasts until its operation has answered.
      const release = await this.shares.acquire(identity.tenantId);
      let output: unknown;
      try {
        output = await operation(
          {
            tenantId: identity.tenantId,
            accountId: identity.accountId,
            region: identity.region,
            actor: `account:${identity.accountId} (${identity.accessKeyId})`,
          },
          new WireInput(parseBody(body)),
        );
      } finally {
        release();
      }
      res.status(200).type(CONTENT_TYPE).send(JSON.stringify(output));
    } catch (error) {
      const wire = toAwsError(error);
      // An injected fault (an AwsProtocolError thrown as it is) is an answer, not a failure.
      if (wire.status >= 500 && wire !== error) {
        this.logger.error(
          `request ${requestId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      res
        .status(awsErrorStatus(wire, this.config.awsErrorStatuses))
        .setHeader('x-amzn-errortype', wire.type);
      res.type(CONTENT_TYPE).send(JSON.stringify({ __type: wire.type, message: wire.message }));
    }
  }

  /**
   * The tenant's fault injection: a delay, then perhaps an error, before the operation runs (so
   * an injected fault never changes state). Counted in accountlink_injected_faults_total.
   */
  private async injectFaults(tenantId: string, operation: string): Promise<void> {
    const rules = (await this.settings.get(tenantId)).faultInjection;
    if (rules.length === 0) {
      return;
    }
    const fault = decideFault(rules, operation);
    if (fault.delayMs > 0) {
      this.metrics.injectedFaults.inc({ edge: 'aws', kind: 'latency' });
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    if (fault.error) {
      this.metrics.injectedFaults.inc({ edge: 'aws', kind: fault.error });
      throw new AwsProtocolError(
        fault.error,
        `Injected by the tenant's fault injection settings (${operation})`,
        INJECTED_STATUS[fault.error],
      );
    }
  }
}

const INJECTED_STATUS: Record<string, number> = {
  ThrottlingException: 400,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

/**
 * Proton's inputs nest a few levels (tags: a list of objects) and its lists hold at most
 * hundreds; bounded before JSON.parse, so a hostile body costs one linear scan.
 */
const BODY_SHAPE = { maxDepth: 32, maxMembers: 1_000 };

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) {
    return {};
  }
  const problem = jsonShapeProblem(body, BODY_SHAPE);
  if (problem) {
    throw new AwsProtocolError('ValidationException', problem);
  }
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new AwsProtocolError('SerializationException', 'The request body is not a JSON object');
}
