import { AWS_CLI, awsProton, run } from './test/cli';
import { AccessKey, ENV, MGMT, protonWorld, ProtonWorld } from './test/proton';

// The responses printed in the Proton admin guide (seeds/000), request for request.
const SEED = {
  create: {
    environmentAccountConnection: {
      arn: 'arn:aws:proton:region-id:123456789222:environment-account-connection/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      environmentAccountId: '123456789222',
      environmentName: 'simple-env-connected',
      id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      lastModifiedAt: '2021-04-28T23:13:50.847000+00:00',
      managementAccountId: '123456789111',
      requestedAt: '2021-04-28T23:13:50.847000+00:00',
      roleArn: 'arn:aws:iam::123456789222:role/service-role/env-account-proton-service-role',
      status: 'PENDING',
    },
  },
  accept: {
    environmentAccountConnection: {
      arn: 'arn:aws:proton:region-id:123456789222:environment-account-connection/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      environmentAccountId: '123456789222',
      environmentName: 'simple-env-connected',
      id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      lastModifiedAt: '2021-04-28T23:15:33.486000+00:00',
      managementAccountId: '123456789111',
      requestedAt: '2021-04-28T23:13:50.847000+00:00',
      roleArn: 'arn:aws:iam::123456789222:role/service-role/env-account-proton-service-role',
      status: 'CONNECTED',
    },
  },
  reject: {
    environmentAccountConnection: {
      arn: 'arn:aws:proton:us-east-1:123456789222:environment-account-connection/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      status: 'REJECTED',
      environmentAccountId: '123456789222',
      environmentName: 'simple-env-reject',
      id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      lastModifiedAt: '2021-04-28T23:13:50.847000+00:00',
      managementAccountId: '123456789111',
      requestedAt: '2021-04-28T23:13:50.847000+00:00',
      roleArn: 'arn:aws:iam::123456789222:role/service-role/env-account-proton-service-role',
    },
  },
  get: {
    environmentAccountConnection: {
      arn: 'arn:aws:proton:region-id:123456789222:environment-account-connection/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      environmentAccountId: '123456789222',
      environmentName: 'simple-env-connected',
      id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      lastModifiedAt: '2021-04-28T23:15:33.486000+00:00',
      managementAccountId: '123456789111',
      requestedAt: '2021-04-28T23:13:50.847000+00:00',
      roleArn: 'arn:aws:iam::123456789222:role/service-role/env-account-proton-service-role',
      status: 'CONNECTED',
    },
  },
  delete: {
    environmentAccountConnection: {
      arn: 'arn:aws:proton:us-east-1:123456789222:environment-account-connection/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      environmentAccountId: '123456789222',
      environmentName: 'simple-env-connected',
      id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      lastModifiedAt: '2021-04-28T23:13:50.847000+00:00',
      managementAccountId: '123456789111',
      requestedAt: '2021-04-28T23:13:50.847000+00:00',
      roleArn: 'arn:aws:iam::123456789222:role/service-role/env-account-proton-service-role',
      status: 'CONNECTED',
    },
  },
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/;

/** Ids, times and the documentation's "region-id" placeholder aside, everything must match. */
function normalize(response: {
  environmentAccountConnection: Record<string, string>;
}): Record<string, string> {
  const c = { ...response.environmentAccountConnection };
  for (const field of ['requestedAt', 'lastModifiedAt']) {
    expect(c[field]).toMatch(ISO);
    c[field] = '<time>';
  }
  c.arn = (c.arn ?? '')
    .replace(/^arn:aws:proton:[^:]+:/, 'arn:aws:proton:<region>:')
    .replace(/[^/]+$/, '<id>');
  c.id = '<id>';
  return c;
}

async function aws(
  world: ProtonWorld,
  accountId: string,
  args: string[],
): Promise<{ environmentAccountConnection: Record<string, string> }> {
  return (await awsProton(world.keys[accountId] as AccessKey, args)) as {
    environmentAccountConnection: Record<string, string>;
  };
}

describe('the real AWS CLI (the seed commands, with --endpoint-url)', () => {
  let world: ProtonWorld;

  beforeAll(async () => {
    const { stdout } = await run(AWS_CLI, ['--version']);
    expect(stdout).toMatch(/^aws-cli\/2\./);
    world = await protonWorld();
  });

  it('create, accept, get and delete answer what the seed shows', async () => {
    const created = await aws(world, ENV, [
      'create-environment-account-connection',
      '--environment-name',
      'simple-env-connected',
      '--role-arn',
      'arn:aws:iam::123456789222:role/service-role/env-account-proton-service-role',
      '--management-account-id',
      '123456789111',
    ]);
    expect(normalize(created)).toEqual(normalize(SEED.create));
    const id = created.environmentAccountConnection.id as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const accepted = await aws(world, MGMT, ['accept-environment-account-connection', '--id', id]);
    expect(normalize(accepted)).toEqual(normalize(SEED.accept));

    const got = await aws(world, MGMT, ['get-environment-account-connection', '--id', id]);
    expect(normalize(got)).toEqual(normalize(SEED.get));
    expect(got.environmentAccountConnection.id).toBe(id);

    const deleted = await aws(world, ENV, ['delete-environment-account-connection', '--id', id]);
    expect(normalize(deleted)).toEqual(normalize(SEED.delete));
  });

  it('reject answers what the seed shows', async () => {
    const created = await aws(world, ENV, [
      'create-environment-account-connection',
      '--environment-name',
      'simple-env-reject',
      '--role-arn',
      'arn:aws:iam::123456789222:role/service-role/env-account-proton-service-role',
      '--management-account-id',
      '123456789111',
    ]);
    const rejected = await aws(world, MGMT, [
      'reject-environment-account-connection',
      '--id',
      created.environmentAccountConnection.id as string,
    ]);
    expect(normalize(rejected)).toEqual(normalize(SEED.reject));
  });

  it('reports service errors the way the CLI prints them', async () => {
    const call = aws(world, MGMT, [
      'get-environment-account-connection',
      '--id',
      '00000000-0000-4000-8000-000000000000',
    ]);
    await expect(call).rejects.toThrow(/ResourceNotFoundException/);
  });
});
