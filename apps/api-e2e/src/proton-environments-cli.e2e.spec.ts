import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { apiUrl } from './test/client';
import {
  ENV,
  environmentWorld,
  EnvironmentWorld,
  MGMT,
  putBundle,
  SEED_ROLE,
  spec,
  STANDARD_SCHEMA,
} from './test/environments';

const run = promisify(execFile);
const AWS_CLI = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

type Json = Record<string, unknown>;

async function aws(w: EnvironmentWorld, accountId: string, args: string[]): Promise<Json> {
  const key = w.keys[accountId] as { accessKeyId: string; secretAccessKey: string };
  const { stdout } = await run(
    AWS_CLI,
    ['proton', ...args, '--endpoint-url', apiUrl(), '--output', 'json'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        AWS_ACCESS_KEY_ID: key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeout: 60_000,
    },
  );
  return stdout.trim() ? (JSON.parse(stdout) as Json) : {};
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
    await putBundle(w.tenant, 'web-env/v1.yaml', STANDARD_SCHEMA);

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
      's3={bucket=proton-templates,key=web-env/v1.yaml}',
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
    await new Promise((r) => setTimeout(r, 500));
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
