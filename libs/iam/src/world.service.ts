import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  isAppError,
  isDependencyFailure,
  sha256Hex,
} from '@accountlink/common';
import { Database } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import {
  AccessKeyRepository,
  AccountRepository,
  ApiKeyRepository,
  newAccessKeyId,
  newApiKey,
  newSecretAccessKey,
  TenantSettingsService,
  validateAccountId,
} from '@accountlink/tenancy';
import {
  roleNameKey,
  validatePolicyDocumentSize,
  validateRoleName,
  validateRolePath,
} from './domain/iam-rules';
import { parseTrustPolicy } from './domain/trust-policy';
import {
  needsManagementAccount,
  newWorldKey,
  openCredentials,
  policyFor,
  sealCredentials,
  WORLD_BATCH,
  WORLD_CREDENTIALS_TTL_MS,
  WORLD_MAX_ROLES,
  WorldAccounts,
  WorldCredentialLine,
  worldAccountIds,
} from './domain/world-rules';
import { RoleRepository } from './repositories/role.repository';
import { WorldCredentialRepository } from './repositories/world-credential.repository';

export interface WorldRoleTemplate {
  roleName: string;
  path?: string | null;
  assumeRolePolicyDocument: string;
}

export interface CreateWorldCommand extends WorldAccounts {
  managementAccountId?: string | null;
  roles?: readonly WorldRoleTemplate[] | null;
  apiKeys?: boolean | null;
  accessKeys?: boolean | null;
}

export interface WorldResult {
  accountsCreated: number;
  /** Accounts that were there already: left as they were (no roles, no keys). */
  accountsExisting: number;
  rolesCreated: number;
  apiKeysCreated: number;
  accessKeysCreated: number;
  /** Where the minted keys wait for their one download; null when none were minted. */
  credentials: { worldId: string; downloadToken: string; expiresAt: Date } | null;
}

/**
 * Bulk worlds: many accounts with roles and keys in one call, in batches of WORLD_BATCH
 * accounts, one transaction each. Idempotent by account id: an account already in the tenant is
 * left as it is, so applying a world again creates only what is missing and mints no key twice.
 * The keys' secrets are returned by no answer: each batch seals its lines with a key given only
 * to the caller (the download token) and stores them, to be downloaded once.
 */
@Injectable()
export class WorldService {
  constructor(
    private readonly db: Database,
    private readonly accounts: AccountRepository,
    private readonly roles: RoleRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly accessKeys: AccessKeyRepository,
    private readonly credentials: WorldCredentialRepository,
    private readonly outbox: OutboxRepository,
    private readonly settings: TenantSettingsService,
  ) {}

  async createWorld(tenantId: string, command: CreateWorldCommand): Promise<WorldResult> {
    // The limit first: the ids of a range are only listed once it is known to be within it.
    const { worldAccountLimit, roleQuota } = await this.settings.get(tenantId, 0);
    const named = command.accountIds?.length ?? command.count ?? 0;
    if (named > worldAccountLimit) {
      throw new AppError(
        ErrorCode.QUOTA_EXCEEDED,
        `One createWorld call creates at most ${worldAccountLimit} accounts (the tenant setting worldAccountLimit); this one names ${named}`,
        undefined,
        { limit: 'worldAccountLimit', max: worldAccountLimit, actual: named },
      );
    }
    const ids = worldAccountIds(command);
    if (!ids.ok) {
      throw AppError.badInput(ids.field, ids.message);
    }
    // In id order, whoever calls: two worlds that share accounts take their rows' locks in the
    // same order, so they wait for each other rather than deadlock.
    ids.value.sort();
    const managementAccountId = command.managementAccountId ?? null;
    if (managementAccountId !== null) {
      const problem = validateAccountId(managementAccountId);
      if (problem) {
        throw AppError.badInput('managementAccountId', problem);
      }
    }
    const templates = checkTemplates(command.roles ?? [], ids.value[0], managementAccountId);
    if (templates.length > roleQuota) {
      throw new AppError(
        ErrorCode.QUOTA_EXCEEDED,
        `Each account may hold ${roleQuota} roles (the tenant setting roleQuota); the world gives ${templates.length}`,
      );
    }
    const withApiKeys = command.apiKeys === true;
    const withAccessKeys = command.accessKeys === true;
    const minting = withApiKeys || withAccessKeys;
    const key = minting ? newWorldKey() : null;
    const worldId = randomUUID();
    const expiresAt = new Date(Date.now() + WORLD_CREDENTIALS_TTL_MS);
    const result: WorldResult = {
      accountsCreated: 0,
      accountsExisting: 0,
      rolesCreated: 0,
      apiKeysCreated: 0,
      accessKeysCreated: 0,
      credentials: key ? { worldId, downloadToken: key.toString('base64url'), expiresAt } : null,
    };
    for (let start = 0, batch = 0; start < ids.value.length; start += WORLD_BATCH, batch++) {
      const batchIds = ids.value.slice(start, start + WORLD_BATCH);
      try {
        const done = await this.db.withTenant(tenantId, async (tx) => {
          // In account id order (RETURNING promises none), as the credentials' lines.
          const created = (await this.accounts.insertMany(tx, tenantId, batchIds)).sort();
          const roles = await this.roles.insertMany(
            tx,
            tenantId,
            created.flatMap((accountId) =>
              templates.map((t) => ({
                id: randomUUID(),
                accountId,
                roleName: t.roleName,
                roleNameKey: roleNameKey(t.roleName),
                path: t.path,
                assumeRolePolicyDocument: policyFor(t.document, accountId, managementAccountId),
              })),
            ),
          );
          if (created.length > 0) {
            // One event a batch, not one a role: a world of 10,000 roles would otherwise be
            // 10,000 events to relay and fan out (and 10,000 jobs with nothing to do).
            await this.outbox.record(tx, {
              tenantId,
              type: 'iam.world.batch-created',
              aggregateType: 'World',
              aggregateId: worldId,
              accountIds: [],
              payload: {
                batch,
                accountIds: created,
                roleNames: templates.map((t) => t.roleName),
                apiKeys: withApiKeys,
                accessKeys: withAccessKeys,
              },
            });
          }
          const lines: WorldCredentialLine[] = created.map((accountId) => ({ accountId }));
          if (withApiKeys && lines.length > 0) {
            for (const line of lines) {
              line.apiKey = newApiKey();
            }
            await this.apiKeys.insertAccountKeys(
              tx,
              tenantId,
              lines.map((line) => ({
                id: randomUUID(),
                accountId: line.accountId,
                keyHash: sha256Hex(line.apiKey as string),
                keyPrefix: (line.apiKey as string).slice(0, 12),
              })),
            );
          }
          if (withAccessKeys && lines.length > 0) {
            for (const line of lines) {
              line.accessKeyId = newAccessKeyId();
              line.secretAccessKey = newSecretAccessKey();
            }
            await this.accessKeys.insertMany(
              tx,
              tenantId,
              lines.map((line) => ({
                accessKeyId: line.accessKeyId as string,
                secretAccessKey: line.secretAccessKey as string,
                accountId: line.accountId,
              })),
            );
          }
          if (key && lines.length > 0) {
            await this.credentials.insert(tx, {
              tenantId,
              worldId,
              batch,
              sealed: sealCredentials(key, lines),
              expiresAt,
            });
          }
          return { created: created.length, roles: roles.length };
        });
        // Counted once the batch has committed.
        result.accountsCreated += done.created;
        result.accountsExisting += batchIds.length - done.created;
        result.rolesCreated += done.roles;
        result.apiKeysCreated += withApiKeys ? done.created : 0;
        result.accessKeysCreated += withAccessKeys ? done.created : 0;
      } catch (error) {
        throw cutOff(error, result, start);
      }
    }
    return result.apiKeysCreated + result.accessKeysCreated > 0
      ? result
      : { ...result, credentials: null };
  }

  /**
   * The world's credentials as NDJSON, once: the rows go with this call. A wrong token, an
   * unknown or another tenant's world, one already downloaded or expired: the same NOT_FOUND
   * (and a wrong token removes nothing).
   */
  async downloadCredentials(tenantId: string, worldId: string, token: string): Promise<string> {
    const key = Buffer.from(token, 'base64url');
    const missing = AppError.notFound('No credentials wait under this world id and token');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(worldId)) {
      throw missing;
    }
    const { text, expired } = await this.db.withTenant(tenantId, async (tx) => {
      const batches = await this.credentials.take(tx, tenantId, worldId);
      if (batches.length === 0) {
        throw missing;
      }
      const parts: string[] = [];
      for (const batch of batches) {
        const opened = openCredentials(key, batch.sealed);
        if (opened === null) {
          // Rolls the removal back: the one who holds the token can still download them.
          throw missing;
        }
        parts.push(opened);
      }
      return { text: parts.join(''), expired: batches[0].expiresAt.getTime() < Date.now() };
    });
    if (expired) {
      throw missing;
    }
    return text;
  }
}

const logger = new Logger('WorldService');

/** A template's text as given (white space included) may be at most this long. */
const TEMPLATE_MAX_CHARS = 10_240;

interface CheckedTemplate {
  roleName: string;
  path: string;
  document: string;
}

/** Each role template checked once, its policy as it will be for the first account. */
function checkTemplates(
  templates: readonly WorldRoleTemplate[],
  sampleAccountId: string,
  managementAccountId: string | null,
): CheckedTemplate[] {
  if (templates.length > WORLD_MAX_ROLES) {
    throw AppError.badInput('roles', `A world gives each account at most ${WORLD_MAX_ROLES} roles`);
  }
  const names = new Set<string>();
  return templates.map((template, i) => {
    const field = `roles[${i}]`;
    const path = template.path ?? '/';
    for (const [name, problem] of [
      ['roleName', validateRoleName(template.roleName)],
      ['path', validateRolePath(path)],
    ] as const) {
      if (problem) {
        throw AppError.badInput(`${field}.${name}`, problem);
      }
    }
    if (names.has(roleNameKey(template.roleName))) {
      throw AppError.badInput(`${field}.roleName`, `Role ${template.roleName} is named twice`);
    }
    names.add(roleNameKey(template.roleName));
    if (needsManagementAccount(template.assumeRolePolicyDocument) && managementAccountId === null) {
      throw AppError.badInput(
        `${field}.assumeRolePolicyDocument`,
        'The policy names {managementAccountId}: give managementAccountId',
      );
    }
    if (template.assumeRolePolicyDocument.length > TEMPLATE_MAX_CHARS) {
      // Written once per account: its size is bounded as written, white space included.
      throw AppError.badInput(
        `${field}.assumeRolePolicyDocument`,
        `A world's trust policy may be at most ${TEMPLATE_MAX_CHARS} characters as written`,
      );
    }
    const sample = policyFor(
      template.assumeRolePolicyDocument,
      sampleAccountId,
      managementAccountId,
    );
    const size = validatePolicyDocumentSize(sample);
    const parsed = parseTrustPolicy(sample);
    if (size || !parsed.ok) {
      throw AppError.badInput(
        `${field}.assumeRolePolicyDocument`,
        `assumeRolePolicyDocument is not a valid trust policy: ${size ?? (parsed.ok ? '' : parsed.message)}`,
      );
    }
    return { roleName: template.roleName, path, document: template.assumeRolePolicyDocument };
  });
}

/**
 * A batch failed: the batches before it are committed (with their credentials), so the caller
 * learns how far the world got and how to download what was minted, whatever the failure (a
 * fault of the product is logged and answered as internal, still with them); applying the world
 * again creates the rest.
 */
function cutOff(error: unknown, result: WorldResult, start: number): unknown {
  if (start === 0) {
    return error;
  }
  let cause: AppError;
  if (isAppError(error)) {
    cause = error;
  } else if (isDependencyFailure(error)) {
    cause = AppError.unavailable();
  } else {
    logger.error(
      `a world stopped after ${start} accounts: ${(error as Error)?.stack ?? String(error)}`,
    );
    cause = new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'An internal error stopped it');
  }
  return new AppError(
    cause.code,
    `The world stopped after ${start} of its accounts (${result.accountsCreated} created): ${cause.message}. Applying it again creates the rest.`,
    undefined,
    {
      accountsCreated: result.accountsCreated,
      ...(result.credentials
        ? {
            worldId: result.credentials.worldId,
            downloadToken: result.credentials.downloadToken,
          }
        : {}),
    },
  );
}
