import { Injectable } from '@nestjs/common';
import {
  epochSeconds,
  fromNextToken,
  missing,
  notInEnum,
  toNextToken,
  WireInput,
} from '@accountlink/common';
import { ConnectionService, RequestedBy } from '../connection.service';
import { connectionArn, ConnectionStatus } from '../domain/connection-rules';
import { ConnectionRow, ProtonCaller } from '../proton-caller';
import { EnvironmentService } from '../environment.service';
import { AccountSettingsService } from '../account-settings.service';
import { EnvironmentResourcesService } from '../environment-resources.service';
import { TagService } from '../tag.service';
import { TemplateService } from '../template.service';
import { TemplateVersionService } from '../template-version.service';
import { accountOperations } from './account-operations';
import { environmentOperations } from './environment-operations';

export type AwsOperation = (
  caller: ProtonCaller,
  input: WireInput,
) => Promise<Record<string, unknown>>;

const STATUSES: readonly ConnectionStatus[] = ['PENDING', 'CONNECTED', 'REJECTED'];
const REQUESTERS: readonly RequestedBy[] = ['MANAGEMENT_ACCOUNT', 'ENVIRONMENT_ACCOUNT'];

/**
 * The AWS wire shape (EnvironmentAccountConnection); absent optional members are omitted. roleArn
 * is required by the model even though a connection may have only a CodeBuild role: it is then
 * the empty string.
 */
export function wireConnection(c: ConnectionRow): Record<string, unknown> {
  return {
    arn: connectionArn(c.region, c.environmentAccountId, c.id),
    ...(c.codebuildRoleArn ? { codebuildRoleArn: c.codebuildRoleArn } : {}),
    ...(c.componentRoleArn ? { componentRoleArn: c.componentRoleArn } : {}),
    environmentAccountId: c.environmentAccountId,
    environmentName: c.environmentName,
    id: c.id,
    lastModifiedAt: epochSeconds(c.lastModifiedAt),
    managementAccountId: c.managementAccountId,
    requestedAt: epochSeconds(c.requestedAt),
    roleArn: c.roleArn ?? '',
    status: c.status,
  };
}

/** EnvironmentAccountConnectionSummary: the same without codebuildRoleArn. */
function wireSummary(c: ConnectionRow): Record<string, unknown> {
  const { codebuildRoleArn: _omitted, ...summary } = wireConnection(c);
  return summary;
}

/**
 * Proton operations of the AWS JSON protocol (target prefix AwsProton20200720), translating the
 * wire shapes to the same service calls GraphQL makes. Later Proton features add theirs here.
 */
@Injectable()
export class ProtonOperations {
  readonly operations: ReadonlyMap<string, AwsOperation>;

  constructor(
    private readonly connections: ConnectionService,
    private readonly tags: TagService,
    templates: TemplateService,
    versions: TemplateVersionService,
    environments: EnvironmentService,
    resources: EnvironmentResourcesService,
    accountSettings: AccountSettingsService,
  ) {
    this.operations = new Map<string, AwsOperation>([
      ['CreateEnvironmentAccountConnection', (caller, input) => this.create(caller, input)],
      [
        'AcceptEnvironmentAccountConnection',
        async (caller, input) => ({
          environmentAccountConnection: wireConnection(
            await this.connections.accept(caller, input.requiredString('id')),
          ),
        }),
      ],
      [
        'RejectEnvironmentAccountConnection',
        async (caller, input) => ({
          environmentAccountConnection: wireConnection(
            await this.connections.reject(caller, input.requiredString('id')),
          ),
        }),
      ],
      [
        'DeleteEnvironmentAccountConnection',
        async (caller, input) => ({
          environmentAccountConnection: wireConnection(
            await this.connections.delete(caller, input.requiredString('id')),
          ),
        }),
      ],
      [
        'GetEnvironmentAccountConnection',
        async (caller, input) => ({
          environmentAccountConnection: wireConnection(
            await this.connections.get(caller, input.requiredString('id')),
          ),
        }),
      ],
      ['UpdateEnvironmentAccountConnection', (caller, input) => this.update(caller, input)],
      ['ListEnvironmentAccountConnections', (caller, input) => this.list(caller, input)],
      ['TagResource', (caller, input) => this.tagResource(caller, input)],
      ['UntagResource', (caller, input) => this.untagResource(caller, input)],
      ['ListTagsForResource', (caller, input) => this.listTags(caller, input)],
      ...environmentOperations(templates, versions, environments, resources),
      ...accountOperations(accountSettings),
    ]);
  }

  private async create(caller: ProtonCaller, input: WireInput): Promise<Record<string, unknown>> {
    const connection = await this.connections.create(caller, {
      environmentName: input.requiredString('environmentName'),
      managementAccountId: input.requiredString('managementAccountId'),
      roleArn: input.string('roleArn'),
      codebuildRoleArn: input.string('codebuildRoleArn'),
      componentRoleArn: input.string('componentRoleArn'),
      clientToken: input.string('clientToken'),
      tags: input.tags('tags'),
    });
    return { environmentAccountConnection: wireConnection(connection) };
  }

  private async update(caller: ProtonCaller, input: WireInput): Promise<Record<string, unknown>> {
    const connection = await this.connections.update(caller, input.requiredString('id'), {
      roleArn: input.string('roleArn'),
      codebuildRoleArn: input.string('codebuildRoleArn'),
      componentRoleArn: input.string('componentRoleArn'),
    });
    return { environmentAccountConnection: wireConnection(connection) };
  }

  private async list(caller: ProtonCaller, input: WireInput): Promise<Record<string, unknown>> {
    // Every member is read (and its type checked) before any value is judged.
    const requestedBy = input.requiredString('requestedBy');
    const statuses = input.stringList('statuses');
    const query = {
      environmentName: input.string('environmentName'),
      first: input.maxResults(),
      after: fromNextToken(input.string('nextToken')),
    };
    if (!REQUESTERS.includes(requestedBy as RequestedBy)) {
      throw notInEnum('requestedBy', REQUESTERS, requestedBy);
    }
    for (const status of statuses ?? []) {
      if (!STATUSES.includes(status as ConnectionStatus)) {
        throw notInEnum('statuses', STATUSES, status);
      }
    }
    const page = await this.connections.list(caller, {
      ...query,
      requestedBy: requestedBy as RequestedBy,
      statuses: statuses as ConnectionStatus[] | undefined,
    });
    return {
      environmentAccountConnections: page.items.map(wireSummary),
      ...(page.hasNextPage ? { nextToken: toNextToken(page.cursors.at(-1) ?? null) } : {}),
    };
  }

  private async tagResource(
    caller: ProtonCaller,
    input: WireInput,
  ): Promise<Record<string, unknown>> {
    const tags = input.tags('tags');
    if (!tags) {
      throw missing('tags');
    }
    await this.tags.tagResource(caller, input.requiredString('resourceArn'), tags);
    return {};
  }

  private async untagResource(
    caller: ProtonCaller,
    input: WireInput,
  ): Promise<Record<string, unknown>> {
    const keys = input.stringList('tagKeys');
    if (!keys) {
      throw missing('tagKeys');
    }
    await this.tags.untagResource(caller, input.requiredString('resourceArn'), keys);
    return {};
  }

  private async listTags(caller: ProtonCaller, input: WireInput): Promise<Record<string, unknown>> {
    const page = await this.tags.listTags(
      caller,
      input.requiredString('resourceArn'),
      input.maxResults(),
      fromNextToken(input.string('nextToken')),
    );
    return {
      tags: page.items,
      ...(page.hasNextPage ? { nextToken: toNextToken(page.cursors.at(-1) ?? null) } : {}),
    };
  }
}
