import { ThrottleService, RequestContext, requireAccountPrincipal } from '@accountlink/tenancy';
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
