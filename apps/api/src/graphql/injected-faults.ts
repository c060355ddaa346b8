import { AppError, ErrorCode } from '@accountlink/common';
import { Metrics } from '@accountlink/observability';
import { decideFault, FaultRule, InjectedError } from '@accountlink/tenancy';
import { Kind, OperationDefinitionNode } from 'graphql';

/** The GraphQL code each injected AWS error has on this edge. */
const CODES: Record<InjectedError, ErrorCode> = {
  ThrottlingException: ErrorCode.THROTTLED,
  InternalServerException: ErrorCode.INTERNAL_SERVER_ERROR,
  ServiceUnavailableException: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Never faulted, so that a tenant can always read and undo its rules (even a `*` one). */
const EXEMPT = new Set(['__typename', 'tenantSettings', 'updateTenantSettings']);

/** The root fields an operation selects that the tenant's rules apply to. */
export function rootFields(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((s) =>
    s.kind === Kind.FIELD && !EXEMPT.has(s.name.value) ? [s.name.value] : [],
  );
}

/**
 * The tenant's fault injection on the GraphQL edge, before execution (so nothing is written):
 * each root field is matched against the rules as an AWS operation name is; the longest injected
 * delay is waited, and the first injected error refuses the whole operation with its code.
 */
export async function injectGraphqlFaults(
  rules: readonly FaultRule[],
  operation: OperationDefinitionNode,
  metrics: Metrics,
): Promise<void> {
  if (rules.length === 0 || operation.operation === 'subscription') {
    return;
  }
  let delayMs = 0;
  let error: InjectedError | null = null;
  let field = '';
  for (const name of rootFields(operation)) {
    const fault = decideFault(rules, name);
    delayMs = Math.max(delayMs, fault.delayMs);
    if (fault.error && !error) {
      error = fault.error;
      field = name;
    }
  }
  if (delayMs > 0) {
    metrics.injectedFaults.inc({ edge: 'graphql', kind: 'latency' });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  if (error) {
    metrics.injectedFaults.inc({ edge: 'graphql', kind: error });
    throw new AppError(
      CODES[error],
      `Injected by the tenant's fault injection settings (${field}: ${error})`,
    );
  }
}
