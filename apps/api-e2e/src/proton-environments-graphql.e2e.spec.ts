import {
  CancelEnvironmentDeploymentCommand,
  GetEnvironmentCommand,
  GetEnvironmentTemplateVersionCommand,
  UpdateEnvironmentTemplateVersionCommand,
} from '@aws-sdk/client-proton';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { config, fails, ok, subscribe } from './test/client';
import { ownerPool } from './test/db';
import {
  connectedConnection,
  createEnvironment,
  ENV,
  environmentWorld,
  MGMT,
  publishedTemplate,
  registerVersion,
  settled,
  spec,
  STANDARD_SCHEMA,
} from './test/environments';
import { waitUntil } from './test/proton';
import { killAndRestartWorker } from './test/stack';

const ENVIRONMENT_FIELDS =
  'name arn deploymentStatus deploymentStatusMessage environmentAccountId templateMajorVersion templateMinorVersion outputs { key valueString }';

interface Changed {
  environmentChanged: { name: string; deploymentStatus: string };
}

/**
 * Whether a worker has taken a provisioning job: running it, or holding it as a delayed job
 * until its provisioning time has passed (the worker runs it then; no slot waits meanwhile).
 */
async function jobTaken(redis: Redis, jobId: string): Promise<boolean> {
  const prefix = `${config.redisPrefix}:provisioning`;
  const [active, delayed] = await Promise.all([
    redis.lrange(`${prefix}:active`, 0, -1),
    redis.zscore(`${prefix}:delayed`, jobId),
  ]);
  return active.includes(jobId) || delayed !== null;
}

describe('Proton environments through GraphQL', () => {
  it('registers an inline template, provisions across accounts, and streams every transition to the management account only', async () => {
    const w = await environmentWorld();
    const mgmt = { ...w.gql[MGMT], region: 'us-east-1' };
    const env = { ...w.gql[ENV], region: 'us-east-1' };
    await ok(
      'mutation { createEnvironmentTemplate(input: { name: "gql-web", displayName: "GraphQL web" }) { arn } }',
      {},
      mgmt,
    );
    const created = await ok<{
      createEnvironmentTemplateVersion: { status: string; majorVersion: number };
    }>(
      'mutation($s: String!) { createEnvironmentTemplateVersion(input: { templateName: "gql-web", schema: $s }) { status majorVersion minorVersion } }',
      { s: STANDARD_SCHEMA },
      mgmt,
    );
    expect(created.createEnvironmentTemplateVersion).toMatchObject({
      status: 'REGISTRATION_IN_PROGRESS',
      majorVersion: 1,
    });
    const VERSION =
      'query { environmentTemplateVersion(input: { templateName: "gql-web", majorVersion: 1, minorVersion: 0 }) { status statusMessage schema } }';
    await waitUntil(
      async () =>
        (await ok<{ environmentTemplateVersion: { status: string } }>(VERSION, {}, mgmt))
          .environmentTemplateVersion.status === 'DRAFT',
      'registration',
    );
    await ok(
      'mutation { updateEnvironmentTemplateVersion(input: { templateName: "gql-web", majorVersion: 1, minorVersion: 0, status: PUBLISHED }) { status } }',
      {},
      mgmt,
    );
    const template = await ok<{
      environmentTemplate: {
        recommendedVersion: string;
        versions: { status: string }[];
      };
    }>(
      'query { environmentTemplate(name: "gql-web") { recommendedVersion versions { status } } }',
      {},
      mgmt,
    );
    expect(template.environmentTemplate).toEqual({
      recommendedVersion: '1.0',
      versions: [{ status: 'PUBLISHED' }],
    });

    const connectionId = await connectedConnection(w, 'gql-env');
    const QUERY = `subscription { environmentChanged(name: "gql-env") { name deploymentStatus } }`;
    const asManagement = await subscribe<Changed>(mgmt, QUERY);
    const asAdmin = await subscribe<Changed>(w.tenant.admin, QUERY);
    const asEnvironmentAccount = await subscribe<Changed>(env, QUERY);
    try {
      const result = await ok<{
        createEnvironment: { deploymentStatus: string; environmentAccountId: string };
      }>(
        `mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { ${ENVIRONMENT_FIELDS} } }`,
        {
          input: {
            name: 'gql-env',
            templateName: 'gql-web',
            templateMajorVersion: 1,
            spec: spec({ subnet_count: 3 }),
            environmentAccountConnectionId: connectionId,
          },
        },
        mgmt,
      );
      expect(result.createEnvironment).toMatchObject({
        deploymentStatus: 'IN_PROGRESS',
        environmentAccountId: ENV,
      });
      const transitions = await asManagement.take(2);
      expect(transitions.map((t) => t.environmentChanged.deploymentStatus)).toEqual([
        'IN_PROGRESS',
        'SUCCEEDED',
      ]);
      expect((await asAdmin.take(2)).map((t) => t.environmentChanged.deploymentStatus)).toEqual([
        'IN_PROGRESS',
        'SUCCEEDED',
      ]);
      await new Promise((r) => setTimeout(r, 300));
      expect(asEnvironmentAccount.received).toEqual([]);
      expect(asEnvironmentAccount.errors).toEqual([]);
    } finally {
      await Promise.all([asManagement.close(), asAdmin.close(), asEnvironmentAccount.close()]);
    }

    const seen = await ok<{
      environment: {
        outputs: { key: string; valueString: string }[];
        environmentAccountConnection: { id: string; status: string };
        deploymentHistory: { status: string; targetAccountId: string; roleArn: string }[];
      };
    }>(
      'query { environment(name: "gql-env") { outputs { key valueString } environmentAccountConnection { id status } deploymentHistory { status targetAccountId roleArn } } }',
      {},
      mgmt,
    );
    expect(seen.environment.outputs).toEqual([
      { key: 'subnet_count', valueString: '3' },
      { key: 'vpc_cidr', valueString: '10.0.0.0/16' },
    ]);
    expect(seen.environment.environmentAccountConnection).toEqual({
      id: connectionId,
      status: 'CONNECTED',
    });
    expect(seen.environment.deploymentHistory).toEqual([
      {
        status: 'SUCCEEDED',
        targetAccountId: ENV,
        roleArn: `arn:aws:iam::${ENV}:role/service-role/env-account-proton-service-role`,
      },
    ]);
    // The environment account: no environment, but its stack, readable by name.
    expect(
      (
        await ok<{ environment: unknown }>(
          'query { environment(name: "gql-env") { name } }',
          {},
          env,
        )
      ).environment,
    ).toBeNull();
    const stacks = await ok<{ stacks: { edges: { node: { name: string } }[] } }>(
      'query { stacks { edges { node { name } } } }',
      {},
      env,
    );
    const name = stacks.stacks.edges[0]?.node.name as string;
    expect(name).toMatch(/^AWSProton-gql-env-cloudformation-/);
    const stack = await ok<{ stack: { status: string; environmentArn: string } }>(
      'query($n: String!) { stack(name: $n) { status environmentArn } }',
      { n: name },
      env,
    );
    expect(stack.stack).toEqual({
      status: 'CREATE_COMPLETE',
      environmentArn: `arn:aws:proton:us-east-1:${MGMT}:environment/gql-env`,
    });
    expect(
      (
        await ok<{ stack: unknown }>(
          'query($n: String!) { stack(name: $n) { name } }',
          { n: name },
          mgmt,
        )
      ).stack,
    ).toBeNull();
  });
});

describe('A worker that dies in the middle of a deployment', () => {
  it('leaves nothing stuck: the job runs again on the next worker and the deployment ends', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    await w.settings({ provisioningDelayMs: 3_000 });
    await createEnvironment(w, 'survivor');
    // Wait until the worker has taken this deployment's job (it waits out the provisioning time
    // as a delayed job, or runs), then kill it.
    const deploymentId = (await w.mgmt.send(new GetEnvironmentCommand({ name: 'survivor' })))
      .environment?.lastAttemptedDeploymentId;
    const redis = new Redis(config.redisUrl);
    try {
      await waitUntil(
        () => jobTaken(redis, `proton.deploy-environment.${deploymentId}`),
        'the deployment job to be taken',
      );
    } finally {
      redis.disconnect();
    }
    await killAndRestartWorker();
    expect(
      (await w.mgmt.send(new GetEnvironmentCommand({ name: 'survivor' }))).environment
        ?.deploymentStatus,
    ).toBe('IN_PROGRESS');

    // The lock (2 s in tests) expires, the new worker finds the job stalled and runs it again.
    let ended: string | undefined;
    await waitUntil(
      async () => {
        ended = (await w.mgmt.send(new GetEnvironmentCommand({ name: 'survivor' }))).environment
          ?.deploymentStatus;
        return ended !== 'IN_PROGRESS';
      },
      'the deployment to end',
      25_000,
    );
    expect(ended).toBe('SUCCEEDED');
    expect((await settled(w, 'survivor')).lastSucceededDeploymentId).toBeDefined();
  }, 40_000);

  it('is covered by the sweep: work whose job was lost ends FAILED, work whose job lives is left alone', async () => {
    const w = await environmentWorld();
    await publishedTemplate(w, 'web');
    // "lost": a deployment left IN_PROGRESS although its job is over (as after a lost job).
    await createEnvironment(w, 'lost');
    const lost = await settled(w, 'lost');
    await ownerPool.query(
      `UPDATE "deployments" SET "status" = 'IN_PROGRESS', "completedAt" = NULL WHERE "id" = $1`,
      [lost.lastAttemptedDeploymentId],
    );
    await ownerPool.query(
      `UPDATE "environments" SET "deploymentStatus" = 'IN_PROGRESS' WHERE "tenantId" = $1 AND "name" = 'lost'`,
      [w.tenant.id],
    );
    // A registration left REGISTRATION_IN_PROGRESS the same way (a new major version, 2.0).
    await registerVersion(w, 'web', '2', '0');
    await ownerPool.query(
      `UPDATE "environment_template_versions" SET "status" = 'REGISTRATION_IN_PROGRESS'
        WHERE "tenantId" = $1 AND "majorVersion" = 2`,
      [w.tenant.id],
    );
    // "alive": a deployment whose job is running (a long provisioning delay).
    await w.settings({ provisioningDelayMs: 8_000 });
    await createEnvironment(w, 'alive');
    const alive = (await w.mgmt.send(new GetEnvironmentCommand({ name: 'alive' }))).environment;
    const redis = new Redis(config.redisUrl);
    try {
      await waitUntil(
        () => jobTaken(redis, `proton.deploy-environment.${alive?.lastAttemptedDeploymentId}`),
        'the live deployment job to be taken',
      );
    } finally {
      redis.disconnect();
    }

    const maintenance = new Queue('maintenance', {
      connection: { url: config.redisUrl },
      prefix: config.redisPrefix,
    });
    try {
      // The scheduled sweep waits STUCK_WORK_MS; this run of the same job treats all as old.
      await maintenance.add('proton.sweep-stuck-work', { tenantId: w.tenant.id, olderThanMs: 0 });
    } finally {
      await maintenance.close();
    }
    const version = async () =>
      (
        await w.mgmt.send(
          new GetEnvironmentTemplateVersionCommand({
            templateName: 'web',
            majorVersion: '2',
            minorVersion: '0',
          }),
        )
      ).environmentTemplateVersion;
    // Registrations are swept after deployments: once 2.0 has failed, the sweep is done.
    await waitUntil(async () => (await version())?.status === 'REGISTRATION_FAILED', 'the sweep');
    expect((await version())?.statusMessage).toBe(
      'Registration could not complete: its job was lost (no worker is running it)',
    );
    const ended = (await w.mgmt.send(new GetEnvironmentCommand({ name: 'lost' }))).environment;
    expect(ended).toMatchObject({
      deploymentStatus: 'FAILED',
      deploymentStatusMessage:
        'The deployment could not complete: its job was lost (no worker is running it)',
    });
    expect(
      (await w.mgmt.send(new GetEnvironmentCommand({ name: 'alive' }))).environment
        ?.deploymentStatus,
    ).toBe('IN_PROGRESS');
    // The live one then ends on its own.
    await w.mgmt.send(new CancelEnvironmentDeploymentCommand({ environmentName: 'alive' }));
    expect((await settled(w, 'alive')).deploymentStatus).toBe('CANCELLED');
  }, 40_000);
});

describe('The rest of the environment family through GraphQL', () => {
  it('updates a template, lists provisioned resources, summarizes the account and deletes an ended deployment', async () => {
    const w = await environmentWorld();
    const mgmt = { ...w.gql[MGMT], region: 'us-east-1' };
    const env = { ...w.gql[ENV], region: 'us-east-1' };
    await publishedTemplate(w, 'web');
    const connectionId = await connectedConnection(w, 'family');
    await createEnvironment(w, 'family', { connectionId });
    const environment = await settled(w, 'family');
    expect(environment.deploymentStatus).toBe('SUCCEEDED');

    const updated = await ok<{ updateEnvironmentTemplate: Record<string, unknown> }>(
      'mutation { updateEnvironmentTemplate(input: { name: "web", description: "the web tier" }) { name displayName description } }',
      {},
      mgmt,
    );
    expect(updated.updateEnvironmentTemplate).toEqual({
      name: 'web',
      displayName: null,
      description: 'the web tier',
    });

    const resources = await ok<{ environmentProvisionedResources: Record<string, string>[] }>(
      '{ environmentProvisionedResources(environmentName: "family") { name identifier provisioningEngine } }',
      {},
      mgmt,
    );
    expect(resources.environmentProvisionedResources).toEqual([
      {
        name: expect.stringMatching(/^AWSProton-family-cloudformation-[0-9a-f]{8}$/),
        identifier: expect.stringMatching(
          new RegExp(`^arn:aws:cloudformation:us-east-1:${ENV}:stack/AWSProton-family-`),
        ),
        provisioningEngine: 'CLOUDFORMATION',
      },
    ]);

    const summary =
      '{ resourcesSummary { environments { total failed upToDate behindMajor behindMinor } environmentTemplates { total } services { total } } }';
    expect(await ok(summary, {}, mgmt)).toEqual({
      resourcesSummary: {
        environments: { total: 1, failed: 0, upToDate: 1, behindMajor: 0, behindMinor: 0 },
        environmentTemplates: { total: 1 },
        services: { total: 0 },
      },
    });
    // A 1.1 published: the environment on 1.0 is behind by a minor version.
    await registerVersion(w, 'web', '1', '1');
    await w.mgmt.send(
      new UpdateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '1',
        status: 'PUBLISHED',
      }),
    );
    const behind = await ok<{ resourcesSummary: { environments: Record<string, number> } }>(
      summary,
      {},
      mgmt,
    );
    expect(behind.resourcesSummary.environments).toMatchObject({ upToDate: 0, behindMinor: 1 });
    // The environment account has no environment of its own.
    const envSummary = await ok<{ resourcesSummary: { environments: { total: number } } }>(
      summary,
      {},
      env,
    );
    expect(envSummary.resourcesSummary.environments.total).toBe(0);

    const settingsQuery =
      '{ protonAccountSettings { pipelineServiceRoleArn pipelineCodebuildRoleArn pipelineProvisioningRepository { arn provider name branch } } }';
    const updatedSettings = await ok<{ updateProtonAccountSettings: Record<string, unknown> }>(
      'mutation($input: UpdateAccountSettingsInput!) { updateProtonAccountSettings(input: $input) { pipelineServiceRoleArn pipelineProvisioningRepository { arn provider name branch } } }',
      {
        input: {
          pipelineServiceRoleArn: w.mgmtRole,
          pipelineProvisioningRepository: { provider: 'BITBUCKET', name: 'org/p', branch: 'dev' },
        },
      },
      mgmt,
    );
    expect(updatedSettings.updateProtonAccountSettings).toEqual({
      pipelineServiceRoleArn: w.mgmtRole,
      pipelineProvisioningRepository: {
        arn: `arn:aws:proton:us-east-1:${MGMT}:repository/bitbucket:org/p`,
        provider: 'BITBUCKET',
        name: 'org/p',
        branch: 'dev',
      },
    });
    expect(await ok(settingsQuery, {}, env)).toEqual({
      protonAccountSettings: {
        pipelineServiceRoleArn: null,
        pipelineCodebuildRoleArn: null,
        pipelineProvisioningRepository: null,
      },
    });
    expect(
      await fails(
        'mutation { updateProtonAccountSettings(input: { pipelineProvisioningRepository: { provider: "GITLAB", name: "o/r", branch: "b" } }) { pipelineServiceRoleArn } }',
        {},
        mgmt,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pipelineProvisioningRepository.provider' });
    expect(
      ((await ok(settingsQuery, {}, mgmt)) as { protonAccountSettings: Record<string, unknown> })
        .protonAccountSettings.pipelineServiceRoleArn,
    ).toBe(w.mgmtRole);

    const id = environment.lastAttemptedDeploymentId;
    const deleted = await ok<{ deleteDeployment: { id: string; status: string } }>(
      'mutation($id: ID!) { deleteDeployment(id: $id) { id status } }',
      { id },
      mgmt,
    );
    expect(deleted.deleteDeployment).toEqual({ id, status: 'SUCCEEDED' });
    expect(
      await fails('query($id: ID!) { deployment(id: $id) { id } }', { id }, mgmt),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await fails('mutation($id: ID!) { deleteDeployment(id: $id) { id } }', { id }, mgmt),
    ).toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);
});
