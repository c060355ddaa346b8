import {
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  GetEnvironmentTemplateVersionCommand,
  UpdateEnvironmentTemplateVersionCommand,
  waitUntilEnvironmentDeployed,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { fails, ok } from './test/client';
import { CLOUDFORMATION_MANIFEST, CLOUDFORMATION_TEMPLATE, tarGz } from './test/bundles';
import {
  createEnvironment,
  CUSTOMER_MANAGED_SCHEMA,
  environmentWorld,
  EnvironmentWorld,
  MGMT,
  STANDARD_SCHEMA,
  WAIT,
} from './test/environments';

async function putArchive(w: EnvironmentWorld, key: string, bytes: Buffer): Promise<void> {
  await ok(
    'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { size } }',
    {
      input: { accountId: MGMT, bucket: 'bundles', key, bodyBase64: bytes.toString('base64') },
    },
    w.tenant.admin,
  );
}

/** Registers `key` as a new major version of `template`; the version once registration ended. */
async function register(w: EnvironmentWorld, template: string, key: string) {
  const created = await w.mgmt.send(
    new CreateEnvironmentTemplateVersionCommand({
      templateName: template,
      source: { s3: { bucket: 'bundles', key } },
    }),
  );
  const { majorVersion, minorVersion } = created.environmentTemplateVersion ?? {};
  await waitUntilEnvironmentTemplateVersionRegistered(
    { client: w.mgmt, ...WAIT },
    { templateName: template, majorVersion, minorVersion },
  ).catch(() => undefined);
  return (
    await w.mgmt.send(
      new GetEnvironmentTemplateVersionCommand({
        templateName: template,
        majorVersion,
        minorVersion,
      }),
    )
  ).environmentTemplateVersion;
}

/** Real Proton bundles (.tar.gz) in the simulated S3 store, registered and deployed. */
describe('template bundles as .tar.gz archives', () => {
  it('registers a standard CloudFormation bundle and deploys an environment from it', async () => {
    const w = await environmentWorld();
    await putArchive(
      w,
      'web/v1.tar.gz',
      await tarGz({
        'schema/schema.yaml': STANDARD_SCHEMA,
        'infrastructure/manifest.yaml': CLOUDFORMATION_MANIFEST,
        'infrastructure/cloudformation.yaml': CLOUDFORMATION_TEMPLATE,
      }),
    );
    await w.mgmt.send(new CreateEnvironmentTemplateCommand({ name: 'web' }));
    const version = await register(w, 'web', 'web/v1.tar.gz');
    expect(version).toMatchObject({ status: 'DRAFT', schema: STANDARD_SCHEMA });
    await w.mgmt.send(
      new UpdateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
        status: 'PUBLISHED',
      }),
    );
    await createEnvironment(w, 'from-archive');
    const deployed = await waitUntilEnvironmentDeployed(
      { client: w.mgmt, ...WAIT },
      { name: 'from-archive' },
    );
    expect(deployed.state).toBe('SUCCESS');
  });

  it('fails registration, saying why, for archives that are unsafe or incomplete', async () => {
    const w = await environmentWorld();
    await w.mgmt.send(new CreateEnvironmentTemplateCommand({ name: 'bad' }));
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'escape.tar.gz',
        { 'schema/schema.yaml': STANDARD_SCHEMA, '../../outside.yaml': 'x' },
        /outside the bundle's folder/,
      ],
      [
        'no-manifest.tar.gz',
        { 'schema/schema.yaml': STANDARD_SCHEMA },
        /The bundle has no infrastructure\/manifest.yaml/,
      ],
      [
        'missing-file.tar.gz',
        {
          'schema/schema.yaml': STANDARD_SCHEMA,
          'infrastructure/manifest.yaml': CLOUDFORMATION_MANIFEST,
        },
        /names infrastructure\/cloudformation.yaml, which is not in the bundle/,
      ],
      [
        'bad-schema.tar.gz',
        {
          'schema/schema.yaml': 'not: a schema\n',
          'infrastructure/manifest.yaml': CLOUDFORMATION_MANIFEST,
          'infrastructure/cloudformation.yaml': CLOUDFORMATION_TEMPLATE,
        },
        /top-level "schema" object/,
      ],
    ];
    for (const [key, files, message] of cases) {
      await putArchive(w, key, await tarGz(files));
      const version = await register(w, 'bad', key);
      expect({ key, status: version?.status }).toEqual({ key, status: 'REGISTRATION_FAILED' });
      expect(version?.statusMessage).toMatch(message);
    }
    await putArchive(w, 'garbage.tar.gz', Buffer.from([0x1f, 0x8b, 0, 1, 2, 3]));
    expect((await register(w, 'bad', 'garbage.tar.gz'))?.statusMessage).toBe(
      'The bundle is not a valid .tar.gz archive',
    );
  });

  it('takes only the schema in a CUSTOMER_MANAGED bundle', async () => {
    const w = await environmentWorld();
    await w.mgmt.send(
      new CreateEnvironmentTemplateCommand({ name: 'imported', provisioning: 'CUSTOMER_MANAGED' }),
    );
    await putArchive(
      w,
      'imported/ok.tar.gz',
      await tarGz({ 'schema/schema.yaml': CUSTOMER_MANAGED_SCHEMA }),
    );
    expect(await register(w, 'imported', 'imported/ok.tar.gz')).toMatchObject({ status: 'DRAFT' });
    await putArchive(
      w,
      'imported/extra.tar.gz',
      await tarGz({
        'schema/schema.yaml': CUSTOMER_MANAGED_SCHEMA,
        'infrastructure/manifest.yaml': CLOUDFORMATION_MANIFEST,
      }),
    );
    expect((await register(w, 'imported', 'imported/extra.tar.gz'))?.statusMessage).toMatch(
      /CUSTOMER_MANAGED template bundle holds only its schema; remove infrastructure\/manifest.yaml/,
    );
  });

  it('takes an object as text or as base64 bytes, one of them', async () => {
    const w = await environmentWorld();
    const put = (input: Record<string, unknown>) =>
      fails(
        'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { size } }',
        { input: { accountId: MGMT, bucket: 'bundles', key: 'k', ...input } },
        w.tenant.admin,
      );
    expect(await put({ body: 'x', bodyBase64: 'eA==' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await put({})).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(await put({ bodyBase64: 'not base64!' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'bodyBase64',
    });
    const stored = await ok<{ putBundleObject: { size: number } }>(
      'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { size } }',
      { input: { accountId: MGMT, bucket: 'bundles', key: 'k', bodyBase64: 'AAEC' } },
      w.tenant.admin,
    );
    expect(stored.putBundleObject.size).toBe(3);
  });
});
