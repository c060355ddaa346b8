import type { Tag } from '@accountlink/common';
import { RequestContext, requireAccountPrincipal, ThrottleService } from '@accountlink/tenancy';
import type { TagService } from '../tag.service';
import { ProtonCaller } from '../proton-caller';

/** GraphQL callers of Proton operations act as an account (account API key) in the request's region. */
export async function protonCaller(
  ctx: RequestContext,
  throttle: ThrottleService,
): Promise<ProtonCaller> {
  const principal = requireAccountPrincipal(await ctx.principal());
  const region = ctx.region;
  await throttle.check(principal.tenantId, principal.accountId);
  return {
    tenantId: principal.tenantId,
    accountId: principal.accountId,
    region,
    actor: `account:${principal.accountId}`,
  };
}

/** The tags of a Proton resource, batched per request across every ARN the query asks for. */
export function tagsOf(ctx: RequestContext, tags: TagService, arn: string): Promise<Tag[]> {
  return ctx.loadForTenant('proton.tags', (tenantId, arns) => tags.tagsOf(tenantId, arns), arn);
}
