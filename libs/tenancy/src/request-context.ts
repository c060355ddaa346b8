import DataLoader from 'dataloader';
import { AppError, DEFAULT_REGION, isAwsRegion, Principal } from '@accountlink/common';
import { requireTenantPrincipal } from './access';

/**
 * What every GraphQL operation knows about its caller. The principal is resolved lazily and once:
 * operations that need no key (health of the schema, introspection) pay nothing.
 */
export class RequestContext {
  private principalPromise: Promise<Principal> | null = null;

  constructor(
    private readonly authenticate: () => Promise<Principal>,
    readonly regionHeader: string | string[] | undefined,
    readonly requestId: string,
  ) {}

  /** Validated on use, so a bad header is a BAD_USER_INPUT error of the operation itself. */
  get region(): string {
    return regionFrom(this.regionHeader);
  }

  private readonly memos = new Map<string, unknown>();

  /** One value per request and key: per-request batch loaders live here. */
  memo<T>(key: string, create: () => T): T {
    if (!this.memos.has(key)) {
      this.memos.set(key, create());
    }
    return this.memos.get(key) as T;
  }

  /**
   * A per-request batch loader under `key`: every `load` of one tick becomes one call of `fetch`
   * (no N+1 in field resolvers). No caching, so a subscription sees fresh data on every event.
   */
  batch<V>(key: string, fetch: (ids: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    return this.memo(key, () => new DataLoader<string, V>(fetch, { cache: false }));
  }

  /**
   * Loads `id` through the per-request batch `key`, fetched for the caller's tenant: the field
   * resolvers of one response make one query per field, whatever the number of parents.
   */
  async loadForTenant<V>(
    key: string,
    fetch: (tenantId: string, ids: readonly string[]) => Promise<V[]>,
    id: string,
  ): Promise<V> {
    const { tenantId } = requireTenantPrincipal(await this.principal());
    return this.batch(key, (ids) => fetch(tenantId, ids)).load(id);
  }

  principal(): Promise<Principal> {
    this.principalPromise ??= this.authenticate();
    return this.principalPromise;
  }
}

/** The request's region from `x-aws-region`, validated against AWS's region names. */
export function regionFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') {
    return DEFAULT_REGION;
  }
  if (!isAwsRegion(value)) {
    throw AppError.badInput(
      'x-aws-region',
      `x-aws-region "${value.slice(0, 40)}" is not an AWS Region name`,
    );
  }
  return value;
}

export interface GqlContext {
  ctx: RequestContext;
}
