import {
  AcceptEnvironmentAccountConnectionCommand,
  CancelEnvironmentDeploymentCommand,
  CreateEnvironmentAccountConnectionCommand,
  ConflictException,
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  DeleteEnvironmentAccountConnectionCommand,
  DeleteEnvironmentCommand,
  DeleteEnvironmentTemplateCommand,
  DeleteEnvironmentTemplateVersionCommand,
  GetDeploymentCommand,
  GetEnvironmentAccountConnectionCommand,
  GetEnvironmentCommand,
  GetEnvironmentTemplateCommand,
  GetEnvironmentTemplateVersionCommand,
  ListDeploymentsCommand,
  ListEnvironmentOutputsCommand,
  ListEnvironmentsCommand,
  ListEnvironmentTemplateVersionsCommand,
  ListTagsForResourceCommand,
  RejectEnvironmentAccountConnectionCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  TagResourceCommand,
  UpdateEnvironmentCommand,
  UpdateEnvironmentTemplateVersionCommand,
  ValidationException,
  waitUntilEnvironmentDeployed,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { createRole, ok, trustPolicy } from './test/client';
import { count } from './test/db';
import { waitUntil } from './test/proton';
import {
  connectedConnection,
  createEnvironment,
  CUSTOMER_MANAGED_SCHEMA,
  ENV,
  environmentWorld,
  EnvironmentWorld,
  MGMT,
  publishedTemplate,
  publishVersion,
  registerVersion,
  putBundle,
  settled,
  spec,
  STANDARD_SCHEMA,
  WAIT,
} from './test/environments';

async function register(w: EnvironmentWorld, templateName: string, key: string, body?: string) {
  if (body !== undefined) {
    await putBundle(w.tenant, key, body);
  }
  const created = await w.mgmt.send(
    new CreateEnvironmentTemplateVersionCommand({
      templateName,
      source: { s3: { bucket: 'proton-templates', key } },
    }),
  );
  const v = created.environmentTemplateVersion;
  expect(v?.status).toBe('REGISTRATION_IN_PROGRESS');
  let version = v;
  for (let i = 0; i < 100 && version?.status === 'REGISTRATION_IN_PROGRESS'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    version = (
      await w.mgmt.send(
        new GetEnvironmentTemplateVersionCommand({
          templateName,
          majorVersion: v?.majorVersion,
          minorVersion: v?.minorVersion,
        }),
      )
    ).environmentTemplateVersion;
  }
  return version;
}

const STACKS =
  'query { stacks { edges { node { name accountId status environmentArn outputs { key valueString } } } } }';

async function stacksOf(w: EnvironmentWorld, accountId: string) {
  const data = await ok<{
    stacks: {
      edges: {
        node: {
          name: string;
          status: string;
          environmentArn: string;
          outputs: { key: string; valueString: string }[];
        };
      }[];
    };
  }>(STACKS, {}, { ...w.gql[accountId], region: 'us-east-1' });
  return data.stacks.edges.map((e) => e.node);
}

describe('Proton environment templates', () => {
  it('registers a version from the simulated S3 store, publishes it, and the recommended version follows', async () => {
    const w = await environmentWorld();
    await putBundle(w.tenant, 'web/v1.yaml', STANDARD_SCHEMA);
    const template = await w.mgmt.send(
      new CreateEnvironmentTemplateCommand({
        name: 'web',
        displayName: 'Web',
        tags: [{ key: 'team', value: 'platform' }],
      }),
    );
    expect(template.environmentTemplate).toMatchObject({
      arn: `arn:aws:proton:us-east-1:${MGMT}:environment-template/web`,
      name: 'web',
      displayName: 'Web',
    });
    await w.mgmt.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        source: { s3: { bucket: 'proton-templates', key: 'web/v1.yaml' } },
      }),
    );
    const registered = await waitUntilEnvironmentTemplateVersionRegistered(
      { client: w.mgmt, ...WAIT },
      { templateName: 'web', majorVersion: '1', minorVersion: '0' },
    );
    expect(registered.state).toBe('SUCCESS');
    await expect(
      w.mgmt.send(new CreateEnvironmentTemplateCommand({ name: 'web' })),
    ).rejects.toBeInstanceOf(ConflictException);

    const published = await w.mgmt.send(
      new UpdateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
        status: 'PUBLISHED',
      }),
    );
    expect(published.environmentTemplateVersion).toMatchObject({
      status: 'PUBLISHED',
      recommendedMinorVersion: '0',
      schema: STANDARD_SCHEMA,
    });
    // Without majorVersion: a new major version; with it: a new minor version of that major.
    const major = await register(w, 'web', 'web/v1.yaml');
    expect([major?.majorVersion, major?.minorVersion, major?.status]).toEqual(['2', '0', 'DRAFT']);
    const created = await w.mgmt.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        source: { s3: { bucket: 'proton-templates', key: 'web/v1.yaml' } },
      }),
    );
    expect(created.environmentTemplateVersion?.minorVersion).toBe('1');
    await waitUntilEnvironmentTemplateVersionRegistered(
      { client: w.mgmt, ...WAIT },
      { templateName: 'web', majorVersion: '1', minorVersion: '1' },
    );
    expect(
      (await w.mgmt.send(new GetEnvironmentTemplateCommand({ name: 'web' }))).environmentTemplate
        ?.recommendedVersion,
    ).toBe('1.0');
    await w.mgmt.send(
      new UpdateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '1',
        status: 'PUBLISHED',
      }),
    );
    expect(
      (await w.mgmt.send(new GetEnvironmentTemplateCommand({ name: 'web' }))).environmentTemplate
        ?.recommendedVersion,
    ).toBe('1.1');
    const versions = await w.mgmt.send(
      new ListEnvironmentTemplateVersionsCommand({
        templateName: 'web',
        majorVersion: '1',
        maxResults: 1,
      }),
    );
    expect(versions.templateVersions?.map((v) => `${v.majorVersion}.${v.minorVersion}`)).toEqual([
      '1.0',
    ]);
    expect(versions.nextToken).toBeDefined();
    const rest = await w.mgmt.send(
      new ListEnvironmentTemplateVersionsCommand({
        templateName: 'web',
        majorVersion: '1',
        nextToken: versions.nextToken,
      }),
    );
    expect(rest.templateVersions?.map((v) => `${v.majorVersion}.${v.minorVersion}`)).toEqual([
      '1.1',
    ]);
    expect(rest.nextToken).toBeUndefined();
    // Without majorVersion, the API reference's "list of major versions": one summary per major,
    // its recommended minor (1.1), or its highest minor while none is published (2.0, a DRAFT).
    const majors = await w.mgmt.send(
      new ListEnvironmentTemplateVersionsCommand({ templateName: 'web', maxResults: 1 }),
    );
    expect(majors.templateVersions?.map((v) => `${v.majorVersion}.${v.minorVersion}`)).toEqual([
      '1.1',
    ]);
    const nextMajors = await w.mgmt.send(
      new ListEnvironmentTemplateVersionsCommand({
        templateName: 'web',
        nextToken: majors.nextToken,
      }),
    );
    expect(
      nextMajors.templateVersions?.map((v) => [`${v.majorVersion}.${v.minorVersion}`, v.status]),
    ).toEqual([['2.0', 'DRAFT']]);
    expect(nextMajors.nextToken).toBeUndefined();
    const tags = await w.mgmt.send(
      new ListTagsForResourceCommand({ resourceArn: template.environmentTemplate?.arn }),
    );
    expect(tags.tags).toEqual([{ key: 'team', value: 'platform' }]);
    // Only PUBLISHED comes from DRAFT; the environment account cannot reach the template's ARN.
    await expect(
      w.mgmt.send(
        new UpdateEnvironmentTemplateVersionCommand({
          templateName: 'web',
          majorVersion: '1',
          minorVersion: '0',
          status: 'DRAFT',
        }),
      ),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      w.env.send(
        new ListTagsForResourceCommand({ resourceArn: template.environmentTemplate?.arn }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('fails registration, not the call, for a missing bundle or a schema that is wrong', async () => {
    const w = await environmentWorld();
    await w.mgmt.send(new CreateEnvironmentTemplateCommand({ name: 'broken' }));
    await w.mgmt.send(
      new CreateEnvironmentTemplateCommand({ name: 'imported', provisioning: 'CUSTOMER_MANAGED' }),
    );
    const missing = await register(w, 'broken', 'nowhere/v1.yaml');
    expect(missing).toMatchObject({
      status: 'REGISTRATION_FAILED',
      statusMessage: 'The bundle s3://proton-templates/nowhere/v1.yaml does not exist',
    });
    await expect(
      waitUntilEnvironmentTemplateVersionRegistered(
        { client: w.mgmt, ...WAIT },
        { templateName: 'broken', majorVersion: '1', minorVersion: '0' },
      ),
    ).rejects.toThrow(/FAILURE/);
    const cases: [string, string, string, RegExp][] = [
      ['broken', 'bad-yaml', 'schema: [unclosed', /not valid YAML or JSON/],
      [
        'broken',
        'wrong-type-name',
        STANDARD_SCHEMA.replace(
          'environment_input_type: "PublicEnvironmentInput"',
          'environment_input_type: "Nope"',
        ),
        /names "Nope", which is not in schema.types/,
      ],
      [
        'imported',
        'default',
        CUSTOMER_MANAGED_SCHEMA.replace(
          '          description: "The name of the ECS cluster"',
          '          description: "The name of the ECS cluster"\n          default: my-cluster',
        ),
        /ClusterName has a default value: a CUSTOMER_MANAGED schema allows no defaults/,
      ],
      [
        'imported',
        'number',
        CUSTOMER_MANAGED_SCHEMA.replace(
          'VpcId:\n          type: string',
          'VpcId:\n          type: number',
        ),
        /VpcId is number: a CUSTOMER_MANAGED schema allows only string outputs/,
      ],
      [
        'imported',
        'extra-content',
        `${CUSTOMER_MANAGED_SCHEMA}infrastructure:\n  templates:\n    - file: cloudformation.yaml\n`,
        /holds only the schema; remove "infrastructure"/,
      ],
    ];
    for (const [template, key, body, message] of cases) {
      const version = await register(w, template, `${key}.yaml`, body);
      expect(version?.status).toBe('REGISTRATION_FAILED');
      expect(version?.statusMessage).toMatch(message);
    }
    const valid = await register(w, 'imported', 'valid.yaml', CUSTOMER_MANAGED_SCHEMA);
    expect(valid?.status).toBe('DRAFT');
    await expect(
      w.mgmt.send(
        new CreateEnvironmentTemplateVersionCommand({
          templateName: 'broken',
          majorVersion: '7',
          source: { s3: { bucket: 'proton-templates', key: 'x.yaml' } },
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('enforces the template quota', async () => {
    const w = await environmentWorld();
    await w.settings({ templateQuota: 1 });
    await w.mgmt.send(new CreateEnvironmentTemplateCommand({ name: 'one' }));
    await expect(
      w.mgmt.send(new CreateEnvironmentTemplateCommand({ name: 'two' })),
    ).rejects.toBeInstanceOf(ServiceQuotaExceededException);
  });
});

describe('Proton environments provisioned across accounts', () => {
  it('provisions through a connection into the environment account, which sees only its stack', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    const connectionId = await connectedConnection(w, 'simple-env-connected');

    // The spec is validated against the version's schema, in the caller's protocol.
    for (const [inputs, message] of [
      [{}, /missing required inputs: subnet_count/],
      [{ subnet_count: 2, colour: 'blue' }, /does not define: colour/],
      [{ subnet_count: 'two' }, /subnet_count must be a integer/],
    ] as const) {
      await expect(
        w.mgmt.send(
          new CreateEnvironmentCommand({
            name: 'simple-env-connected',
            templateName: 'web',
            templateMajorVersion: '1',
            spec: spec(inputs),
            environmentAccountConnectionId: connectionId,
          }),
        ),
      ).rejects.toThrow(message);
    }
    await expect(
      w.mgmt.send(
        new CreateEnvironmentCommand({
          name: 'another-name',
          templateName: 'web',
          templateMajorVersion: '1',
          spec: spec({ subnet_count: 2 }),
          environmentAccountConnectionId: connectionId,
        }),
      ),
    ).rejects.toThrow(/is for environment simple-env-connected, not another-name/);

    const created = await createEnvironment(
      w,
      'simple-env-connected',
      { connectionId: connectionId },
      { subnet_count: 2 },
    );
    expect(created.environment).toMatchObject({
      arn: `arn:aws:proton:us-east-1:${MGMT}:environment/simple-env-connected`,
      deploymentStatus: 'IN_PROGRESS',
      environmentAccountConnectionId: connectionId,
      environmentAccountId: ENV,
      templateMajorVersion: '1',
      templateMinorVersion: '0',
    });
    const deployed = await waitUntilEnvironmentDeployed(
      { client: w.mgmt, ...WAIT },
      { name: 'simple-env-connected' },
    );
    expect(deployed.state).toBe('SUCCESS');
    const environment = (
      await w.mgmt.send(new GetEnvironmentCommand({ name: 'simple-env-connected' }))
    ).environment;
    expect(environment?.lastSucceededDeploymentId).toBe(environment?.lastAttemptedDeploymentId);

    const outputs = await w.mgmt.send(
      new ListEnvironmentOutputsCommand({ environmentName: 'simple-env-connected' }),
    );
    expect(outputs.outputs).toEqual([
      { key: 'subnet_count', valueString: '2' },
      { key: 'vpc_cidr', valueString: '10.0.0.0/16' },
    ]);
    const [stack] = await stacksOf(w, ENV);
    expect(stack).toMatchObject({
      status: 'CREATE_COMPLETE',
      environmentArn: environment?.arn,
      outputs: outputs.outputs,
    });
    expect(await stacksOf(w, MGMT)).toEqual([]);

    // The environment account reaches no Proton operation of the environment.
    await expect(
      w.env.send(new GetEnvironmentCommand({ name: 'simple-env-connected' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await w.env.send(new ListEnvironmentsCommand({}))).environments).toEqual([]);
    await expect(
      w.env.send(new GetDeploymentCommand({ id: environment?.lastAttemptedDeploymentId })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);

    const deployments = await w.mgmt.send(
      new ListDeploymentsCommand({ environmentName: 'simple-env-connected' }),
    );
    expect(deployments.deployments?.map((d) => d.deploymentStatus)).toEqual(['SUCCEEDED']);
    const deployment = await w.mgmt.send(
      new GetDeploymentCommand({ id: environment?.lastAttemptedDeploymentId }),
    );
    expect(deployment.deployment).toMatchObject({
      targetResourceType: 'ENVIRONMENT',
      deploymentStatus: 'SUCCEEDED',
      targetState: { environment: { templateName: 'web', templateMajorVersion: '1' } },
    });

    // "Which environments use this connection": the management account is told, not the other.
    const USERS =
      'query($id: ID!) { environmentAccountConnection(id: $id) { environments { name } } }';
    expect(
      (
        await ok<{ environmentAccountConnection: { environments: unknown[] } }>(
          USERS,
          { id: connectionId },
          w.gql[MGMT],
        )
      ).environmentAccountConnection.environments,
    ).toEqual([{ name: 'simple-env-connected' }]);
    expect(
      (
        await ok<{ environmentAccountConnection: { environments: unknown[] } }>(
          USERS,
          { id: connectionId },
          w.gql[ENV],
        )
      ).environmentAccountConnection.environments,
    ).toEqual([]);

    // A connection in use cannot be rejected.
    const refused = w.mgmt.send(
      new RejectEnvironmentAccountConnectionCommand({ id: connectionId }),
    );
    await expect(refused).rejects.toBeInstanceOf(ConflictException);
    await expect(refused).rejects.toThrow(/is used by environment simple-env-connected/);
  });

  it('orders a rejection and an environment create on the same connection: never both', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    for (let i = 0; i < 4; i++) {
      const name = `race-${i}`;
      const id = await connectedConnection(w, name);
      const [rejected, created] = await Promise.allSettled([
        w.mgmt.send(new RejectEnvironmentAccountConnectionCommand({ id })),
        createEnvironment(w, name, { connectionId: id }),
      ]);
      const status = (await w.mgmt.send(new GetEnvironmentAccountConnectionCommand({ id })))
        .environmentAccountConnection?.status;
      const exists = await w.mgmt
        .send(new GetEnvironmentCommand({ name }))
        .then(() => true)
        .catch(() => false);
      // Exactly one wins, and what is stored agrees with who won.
      expect([rejected.status, created.status].sort()).toEqual(['fulfilled', 'rejected']);
      expect({ status, exists }).toEqual(
        rejected.status === 'fulfilled'
          ? { status: 'REJECTED', exists: false }
          : { status: 'CONNECTED', exists: true },
      );
    }
  });

  it('provisions with a service role into the management account; each role problem fails the deployment saying why', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    const create = (name: string, protonServiceRoleArn: string) =>
      w.mgmt.send(
        new CreateEnvironmentCommand({
          name,
          templateName: 'web',
          templateMajorVersion: '1',
          spec: spec({ subnet_count: 1 }),
          protonServiceRoleArn,
        }),
      );
    await create('with-role', w.mgmtRole);
    expect(await settled(w, 'with-role')).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
    expect((await stacksOf(w, MGMT)).map((s) => s.status)).toEqual(['CREATE_COMPLETE']);

    const codebuildOnly = await createRole(
      w.tenant,
      MGMT,
      'codebuild-only',
      trustPolicy('codebuild.amazonaws.com', MGMT),
    );
    const otherSource = await createRole(
      w.tenant,
      MGMT,
      'other-source',
      trustPolicy('proton.amazonaws.com', '123456789333'),
    );
    const failures: [string, string, RegExp][] = [
      ['missing-role', `arn:aws:iam::${MGMT}:role/nope`, /Role nope does not exist in account/],
      ['no-proton', codebuildOnly, /no Allow statement names .*proton\.amazonaws\.com/],
      ['wrong-source', otherSource, /condition StringEquals aws:SourceAccount is not satisfied/],
    ];
    for (const [name, role, reason] of failures) {
      await create(name, role);
      const ended = await settled(w, name);
      expect(ended.deploymentStatus).toBe('FAILED');
      expect(ended.deploymentStatusMessage).toMatch(/^Proton could not assume/);
      expect(ended.deploymentStatusMessage).toMatch(reason);
    }
    await expect(
      waitUntilEnvironmentDeployed({ client: w.mgmt, ...WAIT }, { name: 'missing-role' }),
    ).rejects.toThrow(/FAILURE/);

    await w.settings({ deploymentFailureRate: 1 });
    await create('unlucky', w.mgmtRole);
    expect(await settled(w, 'unlucky')).toMatchObject({
      deploymentStatus: 'FAILED',
      deploymentStatusMessage:
        'Simulated provisioning failure (this tenant fails 100% of deployments)',
    });
  });

  it("fails a deployment when the connection's role validation is INVALID at that moment", async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    const connectionId = await connectedConnection(w, 'validated');
    // IAM changes the role after the connection was accepted: the worker revalidates it INVALID.
    await ok(
      'mutation($input: UpdateAssumeRolePolicyInput!) { updateAssumeRolePolicy(input: $input) { arn } }',
      {
        input: {
          accountId: ENV,
          roleName: 'env-account-proton-service-role',
          policyDocument: trustPolicy('codebuild.amazonaws.com', MGMT),
        },
      },
      w.tenant.admin,
    );
    await waitUntil(async () => {
      const data = await ok<{
        environmentAccountConnection: { roleValidation: { kind: string; status: string }[] };
      }>(
        'query($id: ID!) { environmentAccountConnection(id: $id) { roleValidation { kind status } } }',
        { id: connectionId },
        w.gql[ENV],
      );
      return data.environmentAccountConnection.roleValidation.some(
        (v) => v.kind === 'ROLE' && v.status === 'INVALID',
      );
    }, 'the role to be revalidated INVALID');
    await createEnvironment(w, 'validated', { connectionId });
    const ended = await settled(w, 'validated');
    expect(ended.deploymentStatus).toBe('FAILED');
    expect(ended.deploymentStatusMessage).toContain(
      `the role validation of environment account connection ${connectionId} is INVALID`,
    );
  });

  it('records the outputs of a customer-managed environment and updates them; Proton creates no stack', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'imported', CUSTOMER_MANAGED_SCHEMA, 'CUSTOMER_MANAGED');
    const values = {
      ClusterName: 'prod',
      ECSTaskExecutionRole: `arn:aws:iam::${MGMT}:role/ecs`,
      VpcId: 'vpc-123',
    };
    await expect(
      w.mgmt.send(
        new CreateEnvironmentCommand({
          name: 'existing-vpc',
          templateName: 'imported',
          templateMajorVersion: '1',
          spec: spec({ ClusterName: 'prod' }),
          protonServiceRoleArn: w.mgmtRole,
        }),
      ),
    ).rejects.toThrow(/missing required inputs: ECSTaskExecutionRole, VpcId/);
    await w.mgmt.send(
      new CreateEnvironmentCommand({
        name: 'existing-vpc',
        templateName: 'imported',
        templateMajorVersion: '1',
        spec: spec(values),
        protonServiceRoleArn: w.mgmtRole,
      }),
    );
    expect(await settled(w, 'existing-vpc')).toMatchObject({
      deploymentStatus: 'SUCCEEDED',
      provisioning: 'CUSTOMER_MANAGED',
    });
    const outputs = async () =>
      (await w.mgmt.send(new ListEnvironmentOutputsCommand({ environmentName: 'existing-vpc' })))
        .outputs;
    expect(await outputs()).toEqual([
      { key: 'ClusterName', valueString: 'prod' },
      { key: 'ECSTaskExecutionRole', valueString: values.ECSTaskExecutionRole },
      { key: 'VpcId', valueString: 'vpc-123' },
    ]);
    await w.mgmt.send(
      new UpdateEnvironmentCommand({
        name: 'existing-vpc',
        deploymentType: 'CURRENT_VERSION',
        spec: spec({ ...values, VpcId: 'vpc-456' }),
      }),
    );
    await settled(w, 'existing-vpc');
    expect((await outputs())?.find((o) => o.key === 'VpcId')?.valueString).toBe('vpc-456');
    expect(await stacksOf(w, MGMT)).toEqual([]);
    // Connections support standard provisioning only.
    const connectionId = await connectedConnection(w, 'imported-remote');
    await expect(
      w.mgmt.send(
        new CreateEnvironmentCommand({
          name: 'imported-remote',
          templateName: 'imported',
          templateMajorVersion: '1',
          spec: spec(values),
          environmentAccountConnectionId: connectionId,
        }),
      ),
    ).rejects.toThrow(/standard provisioning only/);
  });
});

describe('Proton environment updates, cancel and delete', () => {
  it('leaves an environment on what is deployed when an update fails', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    await createEnvironment(w, 'steady');
    const before = await settled(w, 'steady');
    expect(before.deploymentStatus).toBe('SUCCEEDED');
    await w.settings({ deploymentFailureRate: 1 });
    await w.mgmt.send(
      new UpdateEnvironmentCommand({
        name: 'steady',
        deploymentType: 'CURRENT_VERSION',
        spec: spec({ subnet_count: 5 }),
      }),
    );
    const after = await settled(w, 'steady');
    expect(after).toMatchObject({
      deploymentStatus: 'FAILED',
      spec: before.spec,
      templateMinorVersion: before.templateMinorVersion,
      lastSucceededDeploymentId: before.lastSucceededDeploymentId,
    });
    const failed = await w.mgmt.send(
      new GetDeploymentCommand({ id: after.lastAttemptedDeploymentId }),
    );
    expect(failed.deployment?.targetState?.environment?.spec).toBe(spec({ subnet_count: 5 }));
    expect(failed.deployment?.initialState?.environment?.spec).toBe(before.spec);
    expect(
      (await w.mgmt.send(new ListEnvironmentOutputsCommand({ environmentName: 'steady' }))).outputs,
    ).toContainEqual({ key: 'subnet_count', valueString: '1' });

    // A failed move to another version leaves it on the deployed version too.
    await registerVersion(w, 'web', '1', '1');
    await publishVersion(w, 'web', '1', '1');
    const moving = await w.mgmt.send(
      new UpdateEnvironmentCommand({ name: 'steady', deploymentType: 'MINOR_VERSION' }),
    );
    expect(moving.environment?.templateMinorVersion).toBe('1');
    expect(await settled(w, 'steady')).toMatchObject({
      deploymentStatus: 'FAILED',
      templateMinorVersion: '0',
    });
  });

  it('orders a template deletion and an environment create: never an environment of a deleted template', async () => {
    const w = await environmentWorld();
    for (let i = 0; i < 3; i++) {
      await publishedTemplate(w, 'web');
      const [deleted, created] = await Promise.allSettled([
        w.mgmt.send(new DeleteEnvironmentTemplateCommand({ name: 'web' })),
        createEnvironment(w, `t-race-${i}`),
      ]);
      expect([deleted.status, created.status].sort()).toEqual(['fulfilled', 'rejected']);
      if (created.status === 'fulfilled') {
        expect(await settled(w, `t-race-${i}`)).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
        await w.mgmt.send(new DeleteEnvironmentCommand({ name: `t-race-${i}` }));
        await waitUntil(
          () =>
            w.mgmt
              .send(new GetEnvironmentCommand({ name: `t-race-${i}` }))
              .then(() => false)
              .catch(() => true),
          'the environment to go',
        );
        await w.mgmt.send(new DeleteEnvironmentTemplateCommand({ name: 'web' }));
      }
    }
  });

  it('honours the update rules and the deployment types', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    const connectionId = await connectedConnection(w, 'remote');
    await createEnvironment(w, 'remote', { connectionId: connectionId });
    await createEnvironment(w, 'local');
    await settled(w, 'remote');
    await settled(w, 'local');
    const listed = async (majorVersion: string) =>
      (
        await w.mgmt.send(
          new ListEnvironmentsCommand({
            environmentTemplates: [{ templateName: 'web', majorVersion }],
          }),
        )
      ).environments?.map((e) => e.name);
    expect(await listed('1')).toEqual(['local', 'remote']);
    expect(await listed('2')).toEqual([]);
    // Keyset pages, and a region of its own: the same account elsewhere sees none of them.
    const first = await w.mgmt.send(new ListEnvironmentsCommand({ maxResults: 1 }));
    const second = await w.mgmt.send(
      new ListEnvironmentsCommand({ maxResults: 1, nextToken: first.nextToken }),
    );
    expect([
      first.environments?.[0]?.name,
      second.environments?.[0]?.name,
      second.nextToken,
    ]).toEqual(['local', 'remote', undefined]);
    const elsewhere = w.client(MGMT, { region: 'eu-west-1' });
    expect((await elsewhere.send(new ListEnvironmentsCommand({}))).environments).toEqual([]);
    await expect(
      elsewhere.send(new GetEnvironmentCommand({ name: 'local' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const update = (
      input: Partial<ConstructorParameters<typeof UpdateEnvironmentCommand>[0]> & { name: string },
    ) => w.mgmt.send(new UpdateEnvironmentCommand({ deploymentType: 'CURRENT_VERSION', ...input }));

    await expect(
      update({
        name: 'remote',
        environmentAccountConnectionId: connectionId,
        protonServiceRoleArn: w.mgmtRole,
      }),
    ).rejects.toThrow(/not both/);
    await expect(
      update({ name: 'local', environmentAccountConnectionId: connectionId }),
    ).rejects.toThrow(/was not created with an environment account connection/);
    // A connection of another environment account (same management account and name) is refused.
    await ok(
      'mutation($input: CreateRoleInput!) { createRole(input: $input) { arn } }',
      {
        input: {
          accountId: '123456789333',
          roleName: 'svc',
          assumeRolePolicyDocument: trustPolicy('proton.amazonaws.com', MGMT),
        },
      },
      w.tenant.admin,
    );
    const thirdClient = w.client('123456789333');
    const other = await thirdClient.send(
      new CreateEnvironmentAccountConnectionCommand({
        environmentName: 'remote',
        managementAccountId: MGMT,
        roleArn: 'arn:aws:iam::123456789333:role/svc',
      }),
    );
    await w.mgmt.send(
      new AcceptEnvironmentAccountConnectionCommand({
        id: other.environmentAccountConnection?.id,
      }),
    );
    await expect(
      update({
        name: 'remote',
        environmentAccountConnectionId: other.environmentAccountConnection?.id,
      }),
    ).rejects.toThrow(/same environment account 123456789222/);
    await expect(
      update({ name: 'remote', deploymentType: 'NONE', spec: spec({ subnet_count: 3 }) }),
    ).rejects.toThrow(/needs a deployment/);

    // MINOR_VERSION moves to the highest published minor version.
    await registerVersion(w, 'web', '1', '1');
    await expect(update({ name: 'local', deploymentType: 'MINOR_VERSION' })).resolves.toMatchObject(
      {
        environment: { templateMinorVersion: '0' },
      },
    );
    await settled(w, 'local');
    await publishVersion(w, 'web', '1', '1');
    const moved = await update({
      name: 'local',
      deploymentType: 'MINOR_VERSION',
      spec: spec({ subnet_count: 4 }),
    });
    expect(moved.environment).toMatchObject({
      templateMinorVersion: '1',
      deploymentStatus: 'IN_PROGRESS',
    });
    await settled(w, 'local');
    expect((await stacksOf(w, MGMT))[0]).toMatchObject({ status: 'UPDATE_COMPLETE' });
    await expect(update({ name: 'local', deploymentType: 'MAJOR_VERSION' })).rejects.toBeInstanceOf(
      ValidationException,
    );
    // A version in use cannot be deleted, nor its template.
    await expect(
      w.mgmt.send(
        new DeleteEnvironmentTemplateVersionCommand({
          templateName: 'web',
          majorVersion: '1',
          minorVersion: '1',
        }),
      ),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      w.mgmt.send(new DeleteEnvironmentTemplateCommand({ name: 'web' })),
    ).rejects.toBeInstanceOf(ConflictException);
    const tagged = await w.mgmt.send(
      new TagResourceCommand({
        resourceArn: `arn:aws:proton:us-east-1:${MGMT}:environment/local`,
        tags: [{ key: 'stage', value: 'prod' }],
      }),
    );
    expect(tagged).toBeDefined();
    await expect(
      w.env.send(
        new ListTagsForResourceCommand({
          resourceArn: `arn:aws:proton:us-east-1:${MGMT}:environment/local`,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses updates while a deployment runs, cancels it, and deletes the environment and its stack', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    await w.settings({ provisioningDelayMs: 2_000 });
    await createEnvironment(w, 'slow');
    await expect(
      w.mgmt.send(
        new UpdateEnvironmentCommand({ name: 'slow', deploymentType: 'CURRENT_VERSION' }),
      ),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      w.mgmt.send(new DeleteEnvironmentCommand({ name: 'slow' })),
    ).rejects.toBeInstanceOf(ConflictException);
    const cancelling = await w.mgmt.send(
      new CancelEnvironmentDeploymentCommand({ environmentName: 'slow' }),
    );
    expect(cancelling.environment?.deploymentStatus).toBe('CANCELLING');
    const cancelled = await settled(w, 'slow');
    expect(cancelled).toMatchObject({ deploymentStatus: 'CANCELLED' });
    await expect(
      w.mgmt.send(new CancelEnvironmentDeploymentCommand({ environmentName: 'slow' })),
    ).rejects.toBeInstanceOf(ConflictException);

    await w.settings({ provisioningDelayMs: 50 });
    await w.mgmt.send(
      new UpdateEnvironmentCommand({ name: 'slow', deploymentType: 'CURRENT_VERSION' }),
    );
    expect(await settled(w, 'slow')).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
    expect(await stacksOf(w, MGMT)).toHaveLength(1);
    const deleting = await w.mgmt.send(new DeleteEnvironmentCommand({ name: 'slow' }));
    expect(deleting.environment?.deploymentStatus).toBe('DELETE_IN_PROGRESS');
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 50));
      gone = await w.mgmt
        .send(new GetEnvironmentCommand({ name: 'slow' }))
        .then(() => false)
        .catch((e: unknown) => e instanceof ResourceNotFoundException);
    }
    expect(gone).toBe(true);
    expect(await stacksOf(w, MGMT)).toEqual([]);
    const history = await w.mgmt.send(new ListDeploymentsCommand({}));
    expect(history.deployments?.map((d) => d.deploymentStatus)).toEqual([
      'CANCELLED',
      'SUCCEEDED',
      'DELETE_COMPLETE',
    ]);
    // The name is free again.
    await createEnvironment(w, 'slow');
    expect(await settled(w, 'slow')).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
  });

  it('keeps an environment whose connection was deleted readable but unmanageable until a new connection is accepted and used', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    const first = await connectedConnection(w, 'orphan');
    await createEnvironment(w, 'orphan', { connectionId: first });
    await settled(w, 'orphan');
    await w.env.send(new DeleteEnvironmentAccountConnectionCommand({ id: first }));

    expect(
      (await w.mgmt.send(new GetEnvironmentCommand({ name: 'orphan' }))).environment
        ?.deploymentStatus,
    ).toBe('SUCCEEDED');
    const message = new RegExp(
      `connection ${first} was deleted. A new connection from account ${ENV} for environment orphan must be accepted, and the environment updated to it`,
    );
    await expect(
      w.mgmt.send(
        new UpdateEnvironmentCommand({ name: 'orphan', deploymentType: 'CURRENT_VERSION' }),
      ),
    ).rejects.toThrow(message);
    await expect(w.mgmt.send(new DeleteEnvironmentCommand({ name: 'orphan' }))).rejects.toThrow(
      message,
    );

    const second = await connectedConnection(w, 'orphan');
    const recovered = await w.mgmt.send(
      new UpdateEnvironmentCommand({
        name: 'orphan',
        deploymentType: 'CURRENT_VERSION',
        environmentAccountConnectionId: second,
      }),
    );
    expect(recovered.environment?.environmentAccountConnectionId).toBe(second);
    expect(await settled(w, 'orphan')).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
    await w.mgmt.send(new DeleteEnvironmentCommand({ name: 'orphan' }));
    await waitUntil(
      () =>
        w.mgmt
          .send(new GetEnvironmentCommand({ name: 'orphan' }))
          .then(() => false)
          .catch((e: unknown) => e instanceof ResourceNotFoundException),
      'the environment to be deleted',
    );
    expect(await count('stacks', '"accountId" = $1 AND "tenantId" = $2', [ENV, w.tenant.id])).toBe(
      0,
    );
  });

  it('enforces the environment quota', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    await w.settings({ environmentQuota: 1 });
    const create = (name: string) =>
      w.mgmt.send(
        new CreateEnvironmentCommand({
          name,
          templateName: 'web',
          templateMajorVersion: '1',
          spec: spec({ subnet_count: 1 }),
          protonServiceRoleArn: w.mgmtRole,
        }),
      );
    await create('first');
    await expect(create('second')).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    await expect(create('first')).rejects.toBeInstanceOf(ConflictException);
  });
});

describe("one tenant's slow provisioning", () => {
  it("does not hold up another tenant's deployments: a provisioning job waits without a worker slot", async () => {
    const slow = await environmentWorld();
    await publishedTemplate(slow, 'web');
    // More deployments than the worker runs at once (WORKER_CONCURRENCY, 8), each a minute long.
    await slow.settings({ provisioningDelayMs: 60_000 });
    for (let i = 0; i < 12; i++) {
      await createEnvironment(slow, `slow-${i}`);
    }
    const fast = await environmentWorld();
    await publishedTemplate(fast, 'web');
    await createEnvironment(fast, 'fast');
    // settled waits 10 s at most. Before, the slow tenant's jobs slept in the eight slots and
    // this deployment waited a minute for one.
    expect(await settled(fast, 'fast')).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
    const slowOne = await slow.mgmt.send(new GetEnvironmentCommand({ name: 'slow-0' }));
    expect(slowOne.environment?.deploymentStatus).toBe('IN_PROGRESS');
  }, 60_000);
});
