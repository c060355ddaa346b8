import type { Tag } from '@accountlink/common';
import {
  RequestContext,
  requireAccountPrincipal,
  requireTenantPrincipal,
  ThrottleService,
} from '@accountlink/tenancy';
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
export async function tagsOf(ctx: RequestContext, tags: TagService, arn: string): Promise<Tag[]> {
  const principal = requireTenantPrincipal(await ctx.principal());
  return ctx
    .batch('proton.tags', async (arns) => {
      const byArn = await tags.tagsOf(principal.tenantId, arns);
      return arns.map((a) => byArn.get(a) ?? []);
    })
    .load(arn);
}
