import {
  AcceptEnvironmentAccountConnectionCommand,
  CreateEnvironmentCommand,
  CreateEnvironmentCommandOutput,
  CreateEnvironmentAccountConnectionCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  Environment,
  GetEnvironmentAccountConnectionCommand,
  GetEnvironmentCommand,
  ProtonClient,
  UpdateEnvironmentTemplateVersionCommand,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { createRole, ok, TestTenant, trustPolicy } from './client';
import { ENV, MGMT, ProtonWorld, protonWorld, SEED_ROLE, waitUntil } from './proton';

/** The standard template's schema: one required integer input, one string with a default. */
export const STANDARD_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "PublicEnvironmentInput"
  types:
    PublicEnvironmentInput:
      type: object
      description: "Input properties for my environment"
      properties:
        vpc_cidr:
          type: string
          default: 10.0.0.0/16
        subnet_count:
          type: integer
      required:
        - subnet_count
`;

/** The seed's imported (customer-managed) environment schema. */
export const CUSTOMER_MANAGED_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "EnvironmentOutput"
  types:
    EnvironmentOutput:
      type: object
      description: "Outputs of the environment"
      properties:
        ClusterName:
          type: string
          description: "The name of the ECS cluster"
        ECSTaskExecutionRole:
          type: string
          description: "The ARN of the ECS role"
        VpcId:
          type: string
          description: "The ID of the VPC that this stack is deployed in"
`;

export const spec = (inputs: Record<string, unknown>) =>
  `proton: EnvironmentSpec\nspec:\n${Object.entries(inputs)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join('\n')}\n`;

export const WAIT = { minDelay: 1, maxDelay: 1, maxWaitTime: 30 };

export interface EnvironmentWorld extends ProtonWorld {
  mgmt: ProtonClient;
  env: ProtonClient;
  /** The seed-like service role of the management account (for service-role environments). */
  mgmtRole: string;
  settings(patch: Record<string, number>): Promise<void>;
}

/** The Proton world, plus a service role in the management account and fast deployments. */
export async function environmentWorld(): Promise<EnvironmentWorld> {
  const world = await protonWorld();
  const mgmtRole = await createRole(
    world.tenant,
    MGMT,
    'proton-service-role',
    trustPolicy('proton.amazonaws.com', MGMT),
  );
  const settings = (patch: Record<string, number>) => updateSettings(world.tenant, patch);
  await settings({ provisioningDelayMs: 50, deploymentFailureRate: 0 });
  return { ...world, mgmt: world.client(MGMT), env: world.client(ENV), mgmtRole, settings };
}

export async function updateSettings(
  tenant: TestTenant,
  patch: Record<string, number>,
): Promise<void> {
  await ok(
    'mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { provisioningDelayMs } }',
    { input: patch },
    tenant.admin,
  );
}

/** Puts a bundle in the management account's simulated S3 store (as the tenant admin). */
export async function putBundle(tenant: TestTenant, key: string, body: string): Promise<void> {
  await ok(
    'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { size } }',
    { input: { accountId: MGMT, bucket: 'proton-templates', key, body } },
    tenant.admin,
  );
}

/**
 * Registers version `major.minor` of a template from the simulated S3 store (minor 0: a new major
 * version; otherwise a new minor of `major`) and waits until it is registered.
 */
export async function registerVersion(
  w: EnvironmentWorld,
  templateName: string,
  major: string,
  minor: string,
  schema = STANDARD_SCHEMA,
): Promise<void> {
  const key = `${templateName}/v${major}.${minor}.yaml`;
  await putBundle(w.tenant, key, schema);
  await w.mgmt.send(
    new CreateEnvironmentTemplateVersionCommand({
      templateName,
      majorVersion: minor === '0' ? undefined : major,
      source: { s3: { bucket: 'proton-templates', key } },
    }),
  );
  await waitUntilEnvironmentTemplateVersionRegistered(
    { client: w.mgmt, ...WAIT },
    { templateName, majorVersion: major, minorVersion: minor },
  );
}

export async function publishVersion(
  w: EnvironmentWorld,
  templateName: string,
  major: string,
  minor: string,
): Promise<void> {
  await w.mgmt.send(
    new UpdateEnvironmentTemplateVersionCommand({
      templateName,
      majorVersion: major,
      minorVersion: minor,
      status: 'PUBLISHED',
    }),
  );
}

/** A template with a PUBLISHED 1.0 registered from the simulated S3 store. */
export async function publishedTemplate(
  w: EnvironmentWorld,
  name: string,
  schema = STANDARD_SCHEMA,
  provisioning?: 'CUSTOMER_MANAGED',
): Promise<void> {
  await w.mgmt.send(new CreateEnvironmentTemplateCommand({ name, provisioning }));
  await registerVersion(w, name, '1', '0', schema);
  await publishVersion(w, name, '1', '0');
}

/** A CONNECTED connection from ENV to MGMT for `environmentName`, its role validated VALID. */
export async function connectedConnection(
  w: EnvironmentWorld,
  environmentName: string,
  roleArn = SEED_ROLE,
): Promise<string> {
  const created = await w.env.send(
    new CreateEnvironmentAccountConnectionCommand({
      environmentName,
      managementAccountId: MGMT,
      roleArn,
    }),
  );
  const id = created.environmentAccountConnection?.id as string;
  await waitUntil(async () => {
    const data = await ok<{
      environmentAccountConnection: { roleValidation: { status: string }[] };
    }>(
      'query($id: ID!) { environmentAccountConnection(id: $id) { roleValidation { status } } }',
      { id },
      { ...w.gql[ENV], region: 'us-east-1' },
    );
    return data.environmentAccountConnection.roleValidation.every((v) => v.status === 'VALID');
  }, 'the connection role to be validated');
  await w.mgmt.send(new AcceptEnvironmentAccountConnectionCommand({ id }));
  const got = await w.mgmt.send(new GetEnvironmentAccountConnectionCommand({ id }));
  if (got.environmentAccountConnection?.status !== 'CONNECTED') {
    throw new Error(`connection ${id} is ${got.environmentAccountConnection?.status}`);
  }
  return id;
}

/** Polls GetEnvironment until the deployment ends (any status but the in-progress ones). */
export async function settled(w: EnvironmentWorld, name: string): Promise<Environment> {
  let environment: Environment | undefined;
  await waitUntil(async () => {
    environment = (await w.mgmt.send(new GetEnvironmentCommand({ name }))).environment;
    return !['IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS'].includes(
      environment?.deploymentStatus ?? '',
    );
  }, `environment ${name} to settle`);
  return environment as Environment;
}

/** CreateEnvironment from the "web" template 1.x, with the management account's service role by default. */
export function createEnvironment(
  w: EnvironmentWorld,
  name: string,
  target: { connectionId?: string; roleArn?: string } = {},
  inputs: Record<string, unknown> = { subnet_count: 1 },
): Promise<CreateEnvironmentCommandOutput> {
  return w.mgmt.send(
    new CreateEnvironmentCommand({
      name,
      templateName: 'web',
      templateMajorVersion: '1',
      spec: spec(inputs),
      ...(target.connectionId
        ? { environmentAccountConnectionId: target.connectionId }
        : { protonServiceRoleArn: target.roleArn ?? w.mgmtRole }),
    }),
  );
}

export { ENV, MGMT, SEED_ROLE };
export type { ProtonWorld };
