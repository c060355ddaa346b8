import { JobRequest } from '@accountlink/jobs';
import { EventMessage } from './event-message';

/** The jobs an event starts. Job ids derive from the event id, so a re-relayed event dedupes. */
export function jobsForEvent(event: EventMessage): JobRequest[] {
  switch (event.type) {
    case 'iam.role.created':
    case 'iam.role.updated':
    case 'iam.role.deleted':
      return [
        {
          name: 'iam.role-changed',
          jobId: `iam.role-changed.${event.id}`,
          data: {
            tenantId: event.tenantId,
            accountId: String(event.payload.accountId),
            roleNameKey: String(event.payload.roleNameKey),
            roleArn: String(event.payload.arn),
            eventId: event.id,
          },
        },
      ];
    case 'proton.connection.created':
    case 'proton.connection.updated':
    case 'proton.connection.accepted':
      // Roles are (re)validated whenever they are set or the connection goes live.
      return [
        {
          name: 'proton.validate-connection-roles',
          jobId: `proton.validate-connection-roles.${event.id}`,
          data: { tenantId: event.tenantId, connectionIds: [event.aggregateId] },
        },
      ];
    case 'codecatalyst.connection.role-associated':
      return [
        {
          name: 'codecatalyst.validate-connection-role',
          jobId: `codecatalyst.validate-connection-role.${event.id}`,
          data: {
            tenantId: event.tenantId,
            connectionId: event.aggregateId,
            roleArn: String(event.payload.roleArn),
          },
        },
      ];
    case 'proton.template-version.created':
      return [
        {
          name: 'proton.register-template-version',
          jobId: `proton.register-template-version.${event.aggregateId}`,
          data: { tenantId: event.tenantId, versionId: event.aggregateId },
        },
      ];
    case 'proton.environment.deployment-started': {
      const deploymentId = String(event.payload.deploymentId);
      return [
        {
          name: 'proton.deploy-environment',
          jobId: `proton.deploy-environment.${deploymentId}`,
          data: { tenantId: event.tenantId, deploymentId },
        },
      ];
    }
    case 'proton.template.changed':
    case 'proton.template-version.changed':
    case 'proton.environment.changed':
    case 'codecatalyst.connection.role-disassociated':
    case 'codecatalyst.connection.role-validation-changed':
    case 'codecatalyst.connection.deleted':
    case 'codecatalyst.connection.billing-authorization-changed':
    case 'codecatalyst.connection.tagged':
    case 'codecatalyst.space.billing-changed':
    case 'proton.connection.rejected':
    case 'proton.connection.deleted':
    case 'proton.connection.tagged':
    case 'proton.connection.role-validation-changed':
    case 'codecatalyst.space.created':
    case 'codecatalyst.space.members-changed':
    case 'codecatalyst.connection.requested':
    case 'codecatalyst.connection.verified':
    case 'codecatalyst.connection.rejected':
    case 'codecatalyst.connection.expired':
    case 'iam.world.batch-created':
      // (A bulk world's batch: its roles are new with their accounts, and nothing can depend on
      // a role of an account that did not exist; no connection or association names it yet.)
      return [];
    default: {
      // Compile time: every known type is routed. Run time: an unknown type (written by a newer
      // version during a rolling deploy) must not stall the relay, so it starts no job.
      const unknown: never = event.type;
      void unknown;
      return [];
    }
  }
}

/**
 * The jobs a relayed batch starts (in event order): those of each event, except that the role
 * validations of one tenant become one job for all its connections, so that a burst of creates
 * costs the worker one job, not one per connection. A merged job's id is made of its first and
 * last event ids and their number: a batch relayed again after a failure holds a superset of the
 * same events, so the same id means the same events (the job dedupes) and a different set gets
 * its own id.
 */
export function jobsForEvents(events: readonly EventMessage[]): JobRequest[] {
  const jobs: JobRequest[] = [];
  const validations = new Map<
    string,
    { job: JobRequest<'proton.validate-connection-roles'>; ids: string[] }
  >();
  for (const event of events) {
    for (const job of jobsForEvent(event)) {
      if (job.name !== 'proton.validate-connection-roles') {
        jobs.push(job);
        continue;
      }
      const data = job.data as JobRequest<'proton.validate-connection-roles'>['data'];
      const group = validations.get(data.tenantId);
      if (!group) {
        const merged = {
          ...(job as JobRequest<'proton.validate-connection-roles'>),
          data: { ...data, connectionIds: [...data.connectionIds] },
        };
        validations.set(data.tenantId, { job: merged, ids: [event.id] });
        jobs.push(merged);
        continue;
      }
      for (const id of data.connectionIds) {
        if (!group.job.data.connectionIds.includes(id)) {
          group.job.data.connectionIds.push(id);
        }
      }
      group.ids.push(event.id);
      group.job.jobId = `proton.validate-connection-roles.${group.ids[0]}-${event.id}-${group.ids.length}`;
    }
  }
  return jobs;
}

export function eventChannel(prefix: string): string {
  return `${prefix}:events`;
}
