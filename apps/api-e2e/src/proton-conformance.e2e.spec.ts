import * as sdk from '@aws-sdk/client-proton';
import {
  AcceptEnvironmentAccountConnectionCommand,
  CancelEnvironmentDeploymentCommand,
  CreateEnvironmentAccountConnectionCommand,
  CreateEnvironmentCommand,
  DeleteEnvironmentAccountConnectionCommand,
  DeleteDeploymentCommand,
  DeleteEnvironmentCommand,
  DeleteEnvironmentTemplateCommand,
  DeleteEnvironmentTemplateVersionCommand,
  GetDeploymentCommand,
  GetAccountSettingsCommand,
  GetEnvironmentAccountConnectionCommand,
  GetEnvironmentCommand,
  GetEnvironmentTemplateCommand,
  GetResourcesSummaryCommand,
  ListDeploymentsCommand,
  ListEnvironmentAccountConnectionsCommand,
  ListEnvironmentOutputsCommand,
  ListEnvironmentProvisionedResourcesCommand,
  ListEnvironmentsCommand,
  ListEnvironmentTemplatesCommand,
  ListEnvironmentTemplateVersionsCommand,
  ListTagsForResourceCommand,
  ProtonClient,
  RejectEnvironmentAccountConnectionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccountSettingsCommand,
  UpdateEnvironmentAccountConnectionCommand,
  UpdateEnvironmentCommand,
  UpdateEnvironmentTemplateCommand,
  waitUntilEnvironmentDeployed,
} from '@aws-sdk/client-proton';
import { ok } from './test/client';
import {
  connectedConnection,
  createEnvironment,
  CUSTOMER_MANAGED_SCHEMA,
  ENV,
  environmentWorld,
  EnvironmentWorld,
  MGMT,
  publishedTemplate,
  settled,
  spec,
  WAIT,
} from './test/environments';
import { rawAws, SEED_ROLE } from './test/proton';
import {
  membersOf,
  modelErrors,
  modelOperations,
  RecordedResponse,
  recording,
  requiredMembers,
  requiredValues,
  shapeProblems,
  wrongType,
} from './test/proton-model';

/**
 * Conformance with Proton's service model as @aws-sdk/client-proton ships it. Every raw response
 * the SDK receives in this file is kept and checked against the model: each output member's
 * presence (required members never omitted) and type, and each error's `__type` against the
 * modelled errors. The operations the product serves are found by asking it (an operation it does
 * not serve is UnknownOperationException), so a new operation fails this test until it is
 * exercised here; likewise every paginator and waiter of a served operation must be run.
 */

/** Errors outside Proton's model that the edge answers (protocol and availability). */
const UNMODELLED_ERRORS = ['UnrecognizedClientException', 'ServiceUnavailableException'];

/** The operation each of the model's waiters polls. */
const WAITER_OPERATIONS: Record<string, string> = {
  waitUntilComponentDeleted: 'GetComponent',
  waitUntilComponentDeployed: 'GetComponent',
  waitUntilEnvironmentDeployed: 'GetEnvironment',
  waitUntilEnvironmentTemplateVersionRegistered: 'GetEnvironmentTemplateVersion',
  waitUntilServiceCreated: 'GetService',
  waitUntilServiceDeleted: 'GetService',
  waitUntilServiceInstanceDeployed: 'GetServiceInstance',
  waitUntilServicePipelineDeployed: 'GetService',
  waitUntilServiceTemplateVersionRegistered: 'GetServiceTemplateVersion',
  waitUntilServiceUpdated: 'GetService',
};

const exported = sdk as unknown as Record<string, unknown>;

const IMPORTED_VALUES = {
  ClusterName: 'prod',
  ECSTaskExecutionRole: `arn:aws:iam::${MGMT}:role/ecs`,
  VpcId: 'vpc-1',
};

describe('conformance with the Proton service model', () => {
  let w: EnvironmentWorld;
  const records: RecordedResponse[] = [];
  let served: string[];
  const wait = { minDelay: WAIT.minDelay, maxDelay: WAIT.maxDelay, maxWaitTime: WAIT.maxWaitTime };
  const waitersRun = new Set<string>();
  const paginatorsRun = new Set<string>();

  beforeAll(async () => {
    w = await environmentWorld();
    w.mgmt = recording(w.mgmt, records);
    w.env = recording(w.env, records);
    served = [];
    for (const name of modelOperations().keys()) {
      const res = await rawAws(`AwsProton20200720.${name}`, {}, w.keys[MGMT]);
      if (res.body.__type !== 'UnknownOperationException') {
        served.push(name);
      }
    }
    served.sort();
  }, 60_000);

  it('serves operations of the model only, and knows the 34 it serves', () => {
    expect(served).toHaveLength(34);
    const res = rawAws('AwsProton20200720.NotAnOperation', {}, w.keys[MGMT]);
    return expect(res).resolves.toMatchObject({ body: { __type: 'UnknownOperationException' } });
  });

  it('runs every served operation, each answer carrying every member the model requires', async () => {
    // Connections: one connected, one rejected, one updated and deleted.
    const connectionId = await connectedConnection(w, 'through-connection');
    const rejected = await w.env.send(
      new CreateEnvironmentAccountConnectionCommand({
        environmentName: 'rejected',
        managementAccountId: MGMT,
        roleArn: SEED_ROLE,
      }),
    );
    await w.mgmt.send(
      new RejectEnvironmentAccountConnectionCommand({
        id: rejected.environmentAccountConnection?.id,
      }),
    );
    const updated = await w.env.send(
      new CreateEnvironmentAccountConnectionCommand({
        environmentName: 'updated',
        managementAccountId: MGMT,
        roleArn: SEED_ROLE,
      }),
    );
    const updatedId = updated.environmentAccountConnection?.id;
    await w.env.send(
      new UpdateEnvironmentAccountConnectionCommand({ id: updatedId, roleArn: SEED_ROLE }),
    );
    await w.env.send(new DeleteEnvironmentAccountConnectionCommand({ id: updatedId }));
    const codebuildOnly = await w.env.send(
      new CreateEnvironmentAccountConnectionCommand({
        environmentName: 'codebuild-only',
        managementAccountId: MGMT,
        codebuildRoleArn: `arn:aws:iam::${ENV}:role/codebuild-role`,
      }),
    );
    expect(codebuildOnly.environmentAccountConnection?.roleArn).toBe('');
    await w.env.send(new GetEnvironmentAccountConnectionCommand({ id: connectionId }));
    await w.mgmt.send(
      new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }),
    );
    await w.env.send(
      new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' }),
    );

    // Templates and versions (a standard one and a customer-managed one), with tags.
    await publishedTemplate(w, 'web');
    await publishedTemplate(w, 'imported', CUSTOMER_MANAGED_SCHEMA, 'CUSTOMER_MANAGED');
    waitersRun.add('waitUntilEnvironmentTemplateVersionRegistered');
    const template = await w.mgmt.send(new GetEnvironmentTemplateCommand({ name: 'web' }));
    const templateArn = template.environmentTemplate?.arn;
    await w.mgmt.send(
      new TagResourceCommand({ resourceArn: templateArn, tags: [{ key: 'team', value: 'a' }] }),
    );
    await w.mgmt.send(new ListTagsForResourceCommand({ resourceArn: templateArn }));
    await w.mgmt.send(new UntagResourceCommand({ resourceArn: templateArn, tagKeys: ['team'] }));
    const renamed = await w.mgmt.send(
      new UpdateEnvironmentTemplateCommand({ name: 'web', displayName: 'Web', description: 'd' }),
    );
    expect(renamed.environmentTemplate).toMatchObject({ displayName: 'Web', description: 'd' });
    await w.mgmt.send(new ListEnvironmentTemplatesCommand({}));
    await w.mgmt.send(new ListEnvironmentTemplateVersionsCommand({ templateName: 'web' }));

    // Environments: provisioned through the connection, imported, updated, cancelled, deleted.
    await createEnvironment(w, 'through-connection', { connectionId });
    await waitUntilEnvironmentDeployed({ client: w.mgmt, ...wait }, { name: 'through-connection' });
    waitersRun.add('waitUntilEnvironmentDeployed');
    await w.mgmt.send(
      new CreateEnvironmentCommand({
        name: 'imported-vpc',
        templateName: 'imported',
        templateMajorVersion: '1',
        spec: spec(IMPORTED_VALUES),
        protonServiceRoleArn: w.mgmtRole,
      }),
    );
    await settled(w, 'imported-vpc');
    const environment = (
      await w.mgmt.send(new GetEnvironmentCommand({ name: 'through-connection' }))
    ).environment;
    await w.mgmt.send(new ListEnvironmentsCommand({}));
    await w.mgmt.send(new ListEnvironmentOutputsCommand({ environmentName: 'imported-vpc' }));
    await w.mgmt.send(new ListDeploymentsCommand({ environmentName: 'through-connection' }));
    await w.mgmt.send(new GetDeploymentCommand({ id: environment?.lastAttemptedDeploymentId }));
    const resources = await w.mgmt.send(
      new ListEnvironmentProvisionedResourcesCommand({ environmentName: 'through-connection' }),
    );
    expect(resources.provisionedResources).toEqual([
      {
        name: expect.stringMatching(/^AWSProton-through-connection-cloudformation-[0-9a-f]{8}$/),
        identifier: expect.stringMatching(
          new RegExp(
            `^arn:aws:cloudformation:us-east-1:${ENV}:stack/AWSProton-through-connection-cloudformation-`,
          ),
        ),
        provisioningEngine: 'CLOUDFORMATION',
      },
    ]);
    const imported = await w.mgmt.send(
      new ListEnvironmentProvisionedResourcesCommand({ environmentName: 'imported-vpc' }),
    );
    expect(imported.provisionedResources).toEqual([]);
    const summary = await w.mgmt.send(new GetResourcesSummaryCommand({}));
    expect(summary.counts?.environments).toEqual({
      total: 2,
      failed: 0,
      upToDate: 2,
      behindMajor: 0,
      behindMinor: 0,
    });
    expect(summary.counts?.environmentTemplates?.total).toBe(2);
    expect(summary.counts?.services?.total).toBe(0);

    // Account settings: stored per account and returned; '' removes a role.
    expect((await w.mgmt.send(new GetAccountSettingsCommand({}))).accountSettings).toEqual({});
    const repository = { provider: 'GITHUB' as const, name: 'org/pipelines', branch: 'main' };
    const settings = await w.mgmt.send(
      new UpdateAccountSettingsCommand({
        pipelineServiceRoleArn: w.mgmtRole,
        pipelineProvisioningRepository: repository,
      }),
    );
    const linked = {
      pipelineServiceRoleArn: w.mgmtRole,
      pipelineProvisioningRepository: {
        ...repository,
        arn: `arn:aws:proton:us-east-1:${MGMT}:repository/github:org/pipelines`,
      },
    };
    expect(settings.accountSettings).toEqual(linked);
    expect((await w.mgmt.send(new GetAccountSettingsCommand({}))).accountSettings).toEqual(linked);
    expect((await w.env.send(new GetAccountSettingsCommand({}))).accountSettings).toEqual({});
    const cleared = await w.mgmt.send(
      new UpdateAccountSettingsCommand({
        pipelineServiceRoleArn: '',
        deletePipelineProvisioningRepository: true,
      }),
    );
    expect(cleared.accountSettings).toEqual({});

    await w.settings({ provisioningDelayMs: 5_000 });
    const updating = await w.mgmt.send(
      new UpdateEnvironmentCommand({
        name: 'through-connection',
        deploymentType: 'CURRENT_VERSION',
        spec: spec({ subnet_count: 2 }),
      }),
    );
    const running = updating.environment?.lastAttemptedDeploymentId;
    await expect(w.mgmt.send(new DeleteDeploymentCommand({ id: running }))).rejects.toThrow(
      /only a deployment that has ended can be deleted/,
    );
    const first = environment?.lastAttemptedDeploymentId;
    const deleted = await w.mgmt.send(new DeleteDeploymentCommand({ id: first }));
    expect(deleted.deployment).toMatchObject({ id: first, deploymentStatus: 'SUCCEEDED' });
    await expect(w.mgmt.send(new GetDeploymentCommand({ id: first }))).rejects.toBeInstanceOf(
      sdk.ResourceNotFoundException,
    );
    await w.mgmt.send(
      new CancelEnvironmentDeploymentCommand({ environmentName: 'through-connection' }),
    );
    await settled(w, 'through-connection');
    await w.settings({ provisioningDelayMs: 50 });
    await w.mgmt.send(new DeleteEnvironmentCommand({ name: 'through-connection' }));
    await expect(settled(w, 'through-connection')).rejects.toThrow(/not found|does not exist/i);
    await w.mgmt.send(
      new DeleteEnvironmentTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
      }),
    );
    await w.mgmt.send(new DeleteEnvironmentTemplateCommand({ name: 'web' }));

    const answered = new Set(records.filter((r) => r.status === 200).map((r) => r.operation));
    expect(served.filter((name) => !answered.has(name))).toEqual([]);
    const operations = modelOperations();
    const problems = records
      .filter((r) => r.status === 200)
      .flatMap((r) =>
        shapeProblems(operations.get(r.operation)?.output, r.body, r.operation).map(
          (problem) => `${problem} (${JSON.stringify(r.body).slice(0, 300)})`,
        ),
      );
    expect(problems).toEqual([]);
  }, 120_000);

  it('runs every paginator of a served operation, page by page, to the same items', async () => {
    const templateArn = (await w.mgmt.send(new GetEnvironmentTemplateCommand({ name: 'imported' })))
      .environmentTemplate?.arn as string;
    await w.mgmt.send(
      new TagResourceCommand({
        resourceArn: templateArn,
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      }),
    );
    const inputs: Record<
      string,
      { client: ProtonClient; input: Record<string, unknown>; items: string }
    > = {
      ListEnvironmentAccountConnections: {
        client: w.env,
        input: { requestedBy: 'ENVIRONMENT_ACCOUNT' },
        items: 'environmentAccountConnections',
      },
      ListEnvironmentTemplates: { client: w.mgmt, input: {}, items: 'templates' },
      ListEnvironmentTemplateVersions: {
        client: w.mgmt,
        input: { templateName: 'imported' },
        items: 'templateVersions',
      },
      ListEnvironments: { client: w.mgmt, input: {}, items: 'environments' },
      ListEnvironmentOutputs: {
        client: w.mgmt,
        input: { environmentName: 'imported-vpc' },
        items: 'outputs',
      },
      ListDeployments: { client: w.mgmt, input: {}, items: 'deployments' },
      ListEnvironmentProvisionedResources: {
        client: w.mgmt,
        input: { environmentName: 'imported-vpc' },
        items: 'provisionedResources',
      },
      ListTagsForResource: { client: w.mgmt, input: { resourceArn: templateArn }, items: 'tags' },
    };
    const paginated = served.filter((name) => typeof exported[`paginate${name}`] === 'function');
    expect(Object.keys(inputs).sort()).toEqual(paginated);
    for (const name of paginated) {
      const { client, input, items } = inputs[name];
      const paginate = exported[`paginate${name}`] as (
        config: { client: ProtonClient; pageSize: number },
        input: Record<string, unknown>,
      ) => AsyncIterable<Record<string, unknown[]>>;
      const command = exported[`${name}Command`] as new (
        input: Record<string, unknown>,
      ) => Parameters<ProtonClient['send']>[0];
      const whole = (await client.send(new command(input))) as unknown as Record<string, unknown[]>;
      const paged: unknown[] = [];
      let pages = 0;
      for await (const page of paginate({ client, pageSize: 1 }, input)) {
        paged.push(...page[items]);
        pages++;
      }
      expect({ name, paged }).toEqual({ name, paged: whole[items] });
      // A list with maxResults pages one item at a time; one without (ListEnvironmentOutputs)
      // pages by nextToken alone.
      const sized = (modelOperations().get(name)?.input as unknown[])[4] as string[];
      expect(pages).toBeGreaterThanOrEqual(
        sized.includes('maxResults') ? Math.max(1, whole[items].length) : 1,
      );
      paginatorsRun.add(name);
    }
    expect(paginatorsRun.size).toBeGreaterThan(0);
  }, 60_000);

  it('honours or refuses the request members it does not act on, never ignoring them', async () => {
    const first = (await w.mgmt.send(new GetEnvironmentCommand({ name: 'imported-vpc' })))
      .environment?.lastSucceededDeploymentId as string;
    const outputs = (deploymentId?: string, nextToken?: string) =>
      w.mgmt.send(
        new ListEnvironmentOutputsCommand({
          environmentName: 'imported-vpc',
          deploymentId,
          nextToken,
        }),
      );
    expect((await outputs(first)).outputs).toHaveLength(3);
    await w.mgmt.send(
      new UpdateEnvironmentCommand({
        name: 'imported-vpc',
        deploymentType: 'CURRENT_VERSION',
        spec: spec({ ...IMPORTED_VALUES, VpcId: 'vpc-2' }),
      }),
    );
    expect(await settled(w, 'imported-vpc')).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
    const second = (await w.mgmt.send(new GetEnvironmentCommand({ name: 'imported-vpc' })))
      .environment?.lastSucceededDeploymentId as string;
    expect((await outputs(second)).outputs).toContainEqual({ key: 'VpcId', valueString: 'vpc-2' });
    await expect(outputs(first)).rejects.toThrow(
      new RegExp(`The outputs of deployment ${first} are not kept`),
    );
    await expect(outputs(first)).rejects.toBeInstanceOf(sdk.ValidationException);
    await expect(outputs('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      sdk.ResourceNotFoundException,
    );
    await expect(outputs(undefined, 'c29tZXRoaW5n')).rejects.toThrow(/pagination token/);

    // Deployments of services, service instances and components: none exist.
    const all = (await w.mgmt.send(new ListDeploymentsCommand({}))).deployments ?? [];
    expect(all.length).toBeGreaterThan(0);
    for (const member of ['serviceName', 'serviceInstanceName', 'componentName']) {
      const narrowed = await w.mgmt.send(new ListDeploymentsCommand({ [member]: 'backend' }));
      expect({ member, deployments: narrowed.deployments }).toEqual({ member, deployments: [] });
      await expect(
        w.mgmt.send(new GetDeploymentCommand({ id: second, [member]: 'backend' })),
      ).rejects.toBeInstanceOf(sdk.ResourceNotFoundException);
    }
    const scoped = await w.mgmt.send(
      new GetDeploymentCommand({ id: second, environmentName: 'imported-vpc' }),
    );
    expect(scoped.deployment?.id).toBe(second);
    await expect(
      w.mgmt.send(new GetDeploymentCommand({ id: second, environmentName: 'another-env' })),
    ).rejects.toThrow(`The deployment ${second} was not found`);

    await expect(
      w.mgmt.send(
        new UpdateEnvironmentCommand({
          name: 'imported-vpc',
          deploymentType: 'NONE',
          provisioningRepository: { provider: 'GITHUB', name: 'org/infra', branch: 'main' },
        }),
      ),
    ).rejects.toThrow(/Self-managed \(pull request\) provisioning is not simulated/);

    // EnvironmentTemplateFilter requires majorVersion (the SDK's types do too: sent raw).
    const unfiltered = await rawAws(
      'AwsProton20200720.ListEnvironments',
      { environmentTemplates: [{ templateName: 'imported' }] },
      w.keys[MGMT],
    );
    expect(unfiltered.body).toMatchObject({ __type: 'ValidationException' });
    expect(String(unfiltered.body.message)).toMatch(/majorVersion/);
    const filtered = await w.mgmt.send(
      new ListEnvironmentsCommand({
        environmentTemplates: [{ templateName: 'imported', majorVersion: '1' }],
      }),
    );
    expect(filtered.environments?.map((e) => e.name)).toEqual(['imported-vpc']);
  }, 60_000);

  it('refuses a value of the wrong type for every member of every served operation, naming it', async () => {
    // Generated from the model: each input member in turn gets a value of another type while the
    // other required members hold values of the right one. A member the product never reads would
    // pass unrefused; each must be refused as AWS words it, naming the member.
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 100000 }) { requestsPerSecondPerAccount } }',
      {},
      w.tenant.admin,
    );
    const unrefused: string[] = [];
    const operations = modelOperations();
    for (const name of served) {
      const input = operations.get(name)?.input;
      for (const member of membersOf(input)) {
        if (member.kind === 'other') {
          continue;
        }
        const body = { ...requiredValues(input), [member.name]: wrongType(member.kind) };
        const res = await rawAws(`AwsProton20200720.${name}`, body, w.keys[MGMT]);
        const message = String(res.body.message ?? '');
        const named =
          res.body.__type === 'ValidationException' &&
          message.startsWith('1 validation error detected: Value') &&
          message.includes(` at '${member.name}' failed to satisfy constraint: Member must `);
        if (!named) {
          unrefused.push(`${name}.${member.name} (${member.kind}): ${res.status} ${message}`);
        }
      }
    }
    expect(unrefused).toEqual([]);
  }, 60_000);

  it('has run every waiter of a served operation', () => {
    const waiters = Object.keys(exported)
      .filter((name) => name.startsWith('waitUntil'))
      .sort();
    expect(waiters).toEqual(Object.keys(WAITER_OPERATIONS).sort());
    const expected = waiters.filter((name) => served.includes(WAITER_OPERATIONS[name]));
    expect([...waitersRun].sort()).toEqual(expected);
  });

  it("answers each modelled client error with its __type, which the SDK turns into the model's class", async () => {
    const once = (accountId: string) => recording(w.client(accountId, { maxAttempts: 1 }), records);
    const env = once(ENV);
    const reached: Record<string, unknown> = {};
    const attempt = async (call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (error) {
        reached[(error as Error).name] = error;
      }
    };
    await attempt(() =>
      env.send(
        new CreateEnvironmentAccountConnectionCommand({
          environmentName: 'bad',
          managementAccountId: MGMT,
          roleArn: 'not-an-arn',
        }),
      ),
    );
    await attempt(() =>
      env.send(
        new GetEnvironmentAccountConnectionCommand({ id: '00000000-0000-4000-8000-000000000000' }),
      ),
    );
    await attempt(() =>
      env.send(
        new CreateEnvironmentAccountConnectionCommand({
          environmentName: 'through-connection',
          managementAccountId: MGMT,
          roleArn: SEED_ROLE,
        }),
      ),
    );
    const pending = (
      await env.send(
        new CreateEnvironmentAccountConnectionCommand({
          environmentName: 'pending',
          managementAccountId: MGMT,
          roleArn: SEED_ROLE,
        }),
      )
    ).environmentAccountConnection?.id;
    await attempt(() => env.send(new AcceptEnvironmentAccountConnectionCommand({ id: pending })));
    await ok(
      'mutation { updateTenantSettings(input: { connectionQuota: 1 }) { connectionQuota } }',
      {},
      w.tenant.admin,
    );
    await attempt(() =>
      env.send(
        new CreateEnvironmentAccountConnectionCommand({
          environmentName: 'over-quota',
          managementAccountId: MGMT,
          roleArn: SEED_ROLE,
        }),
      ),
    );
    await ok(
      'mutation { updateTenantSettings(input: { requestsPerSecondPerAccount: 2 }) { requestsPerSecondPerAccount } }',
      {},
      w.tenant.admin,
    );
    const mgmt = once(MGMT);
    await Promise.all(
      Array.from({ length: 8 }, () =>
        attempt(() =>
          mgmt.send(
            new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'MANAGEMENT_ACCOUNT' }),
          ),
        ),
      ),
    );

    const errors = modelErrors();
    // InternalServerException is modelled but only a fault of the product reaches it.
    const clientErrors = [...errors.keys()].filter((name) => name !== 'InternalServerException');
    expect(Object.keys(reached).sort()).toEqual(clientErrors.sort());
    for (const name of clientErrors) {
      expect(reached[name]).toBeInstanceOf(exported[name] as new () => Error);
    }
    const failures = records.filter((r) => r.status !== 200);
    for (const failure of failures) {
      const body = failure.body as { __type?: string };
      expect([...errors.keys(), ...UNMODELLED_ERRORS]).toContain(body.__type);
      if (errors.has(body.__type as string)) {
        expect(requiredMembers(exported[`${body.__type}$`])).toEqual(['message']);
        expect(
          shapeProblems(exported[`${body.__type}$`], {
            message: (failure.body as { message: string }).message,
          }),
        ).toEqual([]);
        // The seeds' API reference: every modelled client error is HTTP 400 (AWS_ERROR_STATUSES).
        expect(failure.status).toBe(400);
      }
    }
  }, 60_000);
});
