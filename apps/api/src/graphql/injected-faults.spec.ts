import { Metrics } from '@accountlink/observability';
import { OperationDefinitionNode, parse } from 'graphql';
import { injectGraphqlFaults, rootFields } from './injected-faults';

function operation(source: string): OperationDefinitionNode {
  return parse(source).definitions[0] as OperationDefinitionNode;
}

describe('fault injection on GraphQL', () => {
  const metrics = new Metrics('test');

  it("matches an operation's root fields, never the tenant's own settings", () => {
    expect(
      rootFields(operation('{ me { kind } accounts(first: 1) { edges { cursor } } __typename }')),
    ).toEqual(['me', 'accounts']);
    expect(
      rootFields(operation('mutation { updateTenantSettings(input: {}) { roleQuota } }')),
    ).toEqual([]);
    expect(rootFields(operation('{ tenantSettings { roleQuota } }'))).toEqual([]);
  });

  it('refuses the operation with the code of the first injected error, and leaves others alone', async () => {
    const rules = [{ operations: 'create*', unavailableRate: 1 }];
    await expect(
      injectGraphqlFaults(
        rules,
        operation('mutation { createAccount(input: {}) { accountId } }'),
        metrics,
      ),
    ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(
      injectGraphqlFaults(rules, operation('{ accounts(first: 1) { edges { cursor } } }'), metrics),
    ).resolves.toBeUndefined();
    await expect(
      injectGraphqlFaults(
        [{ operations: '*', throttlingRate: 1 }],
        operation('subscription { tenantEvents { kind } }'),
        metrics,
      ),
    ).resolves.toBeUndefined();
  });
});
