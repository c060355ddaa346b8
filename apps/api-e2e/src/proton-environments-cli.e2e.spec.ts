import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aws as awsCli, awsProton } from './test/cli';
import { CLOUDFORMATION_MANIFEST, CLOUDFORMATION_TEMPLATE, tarGz } from './test/bundles';
import {
  ENV,
  environmentWorld,
  EnvironmentWorld,
  MGMT,
  SEED_ROLE,
  spec,
  STANDARD_SCHEMA,
} from './test/environments';
import { AccessKey, waitUntil } from './test/proton';
import { ok } from './test/client';

type Json = Record<string, unknown>;

function aws(w: EnvironmentWorld, accountId: string, args: string[]): Promise<Json> {
  return awsProton(w.keys[accountId] as AccessKey, args);
}

async function awsFails(w: EnvironmentWorld, accountId: string, args: string[]): Promise<string> {
  try {
    await aws(w, accountId, args);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`aws ${args.join(' ')} succeeded`);
}

describe('the README walk-through with the real AWS CLI', () => {
  it('registers a template, connects the accounts, provisions across them and shows the outputs', async () => {
    const w = await environmentWorld();
    // A real bundle, uploaded with `aws s3` as a user would.
    const folder = await mkdtemp(join(tmpdir(), 'bundle-'));
    try {
      await writeFile(
        join(folder, 'web-env-v1.tar.gz'),
        await tarGz({
          'schema/schema.yaml': STANDARD_SCHEMA,
          'infrastructure/manifest.yaml': CLOUDFORMATION_MANIFEST,
          'infrastructure/cloudformation.yaml': CLOUDFORMATION_TEMPLATE,
        }),
      );
      const s3 = (args: string[]) => awsCli(w.keys[MGMT] as AccessKey, ['s3', ...args], folder);
      expect(await s3(['mb', 's3://proton-templates'])).toContain('make_bucket: proton-templates');
      expect(
        await s3(['cp', 'web-env-v1.tar.gz', 's3://proton-templates/web-env/v1.tar.gz']),
      ).toContain('upload: ./web-env-v1.tar.gz to s3://proton-templates/web-env/v1.tar.gz');
      expect(await s3(['ls', 's3://proton-templates/web-env/'])).toMatch(/\d+ v1\.tar\.gz\n/);
      expect(await s3(['ls'])).toMatch(/ proton-templates\n/);
      await s3(['cp', 's3://proton-templates/web-env/v1.tar.gz', 'copy.tar.gz']);
      expect(await readFile(join(folder, 'copy.tar.gz'))).toEqual(
        await readFile(join(folder, 'web-env-v1.tar.gz')),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }

    await aws(w, MGMT, [
      'create-environment-template',
      '--name',
      'web-env',
      '--display-name',
      'Web environment',
    ]);
    const version = await aws(w, MGMT, [
      'create-environment-template-version',
      '--template-name',
      'web-env',
      '--source',
      's3={bucket=proton-templates,key=web-env/v1.tar.gz}',
    ]);
    expect(version.environmentTemplateVersion).toMatchObject({
      majorVersion: '1',
      minorVersion: '0',
      status: 'REGISTRATION_IN_PROGRESS',
    });
    await aws(w, MGMT, [
      'wait',
      'environment-template-version-registered',
      '--template-name',
      'web-env',
      '--major-version',
      '1',
      '--minor-version',
      '0',
    ]);
    const published = await aws(w, MGMT, [
      'update-environment-template-version',
      '--template-name',
      'web-env',
      '--major-version',
      '1',
      '--minor-version',
      '0',
      '--status',
      'PUBLISHED',
    ]);
    expect(published.environmentTemplateVersion).toMatchObject({ status: 'PUBLISHED' });

    const connection = await aws(w, ENV, [
      'create-environment-account-connection',
      '--environment-name',
      'simple-env-connected',
      '--role-arn',
      SEED_ROLE,
      '--management-account-id',
      MGMT,
    ]);
    const id = (connection.environmentAccountConnection as Json).id as string;
    // The worker validates the role before the management account may accept.
    await waitUntil(async () => {
      const data = await ok<{
        environmentAccountConnection: { roleValidation: { status: string }[] };
      }>(
        'query($id: ID!) { environmentAccountConnection(id: $id) { roleValidation { status } } }',
        { id },
        w.gql[ENV],
      );
      return data.environmentAccountConnection.roleValidation.every((v) => v.status === 'VALID');
    }, 'the role validation');
    await aws(w, MGMT, ['accept-environment-account-connection', '--id', id]);

    const created = await aws(w, MGMT, [
      'create-environment',
      '--name',
      'simple-env-connected',
      '--template-name',
      'web-env',
      '--template-major-version',
      '1',
      '--spec',
      spec({ subnet_count: 2 }),
      '--environment-account-connection-id',
      id,
    ]);
    expect(created.environment).toMatchObject({
      deploymentStatus: 'IN_PROGRESS',
      environmentAccountId: ENV,
      environmentAccountConnectionId: id,
    });
    await aws(w, MGMT, ['wait', 'environment-deployed', '--name', 'simple-env-connected']);
    const outputs = await aws(w, MGMT, [
      'list-environment-outputs',
      '--environment-name',
      'simple-env-connected',
    ]);
    expect(outputs.outputs).toEqual([
      { key: 'subnet_count', valueString: '2' },
      { key: 'vpc_cidr', valueString: '10.0.0.0/16' },
    ]);
    // (Debian's CLI 2.9 predates list-deployments; get-environment shows the deployment ids.)
    const environment = (await aws(w, MGMT, ['get-environment', '--name', 'simple-env-connected']))
      .environment as Json;
    expect(environment.deploymentStatus).toBe('SUCCEEDED');
    expect(environment.lastSucceededDeploymentId).toBe(environment.lastAttemptedDeploymentId);

    expect(await awsFails(w, ENV, ['get-environment', '--name', 'simple-env-connected'])).toContain(
      'ResourceNotFoundException',
    );
    expect(
      await awsFails(w, MGMT, ['reject-environment-account-connection', '--id', id]),
    ).toContain('ConflictException');
  }, 60_000);
});
