import { EventMessage } from './event-message';
import { eventChannel, jobsForEvent, jobsForEvents } from './event-routing';

describe('jobsForEvent', () => {
  it('turns a role event into one role-changed job keyed by the event id', () => {
    const event: EventMessage = {
      id: '42',
      occurredAt: new Date(0).toISOString(),
      tenantId: 't1',
      type: 'iam.role.updated',
      aggregateType: 'Role',
      aggregateId: 'r1',
      accountIds: ['222222222222'],
      payload: {
        accountId: '222222222222',
        roleNameKey: 'protonservicerole',
        arn: 'arn:aws:iam::222222222222:role/ProtonServiceRole',
      },
    };
    expect(jobsForEvent(event)).toEqual([
      {
        name: 'iam.role-changed',
        jobId: 'iam.role-changed.42',
        data: {
          tenantId: 't1',
          accountId: '222222222222',
          roleNameKey: 'protonservicerole',
          roleArn: 'arn:aws:iam::222222222222:role/ProtonServiceRole',
          eventId: '42',
        },
      },
    ]);
  });

  it('starts no job for a batch of a bulk world (its roles are new with their accounts)', () => {
    const event: EventMessage = {
      id: '43',
      occurredAt: new Date(0).toISOString(),
      tenantId: 't1',
      type: 'iam.world.batch-created',
      aggregateType: 'World',
      aggregateId: '00000000-0000-4000-8000-000000000000',
      accountIds: [],
      payload: { batch: 0, accountIds: ['333333333333'], roleNames: ['ProtonServiceRole'] },
    };
    expect(jobsForEvent(event)).toEqual([]);
  });

  it('starts no job for an unknown event type instead of stalling the relay', () => {
    const unknown = {
      id: '7',
      occurredAt: '',
      tenantId: 't',
      type: 'future.event',
      aggregateType: 'X',
      aggregateId: 'x',
      accountIds: [],
      payload: {},
    };
    expect(jobsForEvent(unknown as unknown as EventMessage)).toEqual([]);
  });

  it('scopes the pub/sub channel by the Redis prefix', () => {
    expect(eventChannel('accountlink-test')).toBe('accountlink-test:events');
  });
});

describe('jobsForEvents', () => {
  const created = (id: string, tenantId: string, connectionId: string): EventMessage => ({
    id,
    occurredAt: new Date(0).toISOString(),
    tenantId,
    type: 'proton.connection.created',
    aggregateType: 'EnvironmentAccountConnection',
    aggregateId: connectionId,
    accountIds: [],
    payload: {},
  });

  it('keeps a lone validation keyed by its event id', () => {
    expect(jobsForEvents([created('5', 't1', 'c1')])).toEqual([
      {
        name: 'proton.validate-connection-roles',
        jobId: 'proton.validate-connection-roles.5',
        data: { tenantId: 't1', connectionIds: ['c1'] },
      },
    ]);
  });

  it('merges the validations of one tenant into one job, per tenant, keyed by first, last and count', () => {
    const role = {
      ...created('8', 't1', 'r1'),
      type: 'iam.role.updated' as const,
      aggregateType: 'Role',
      payload: { accountId: '1', roleNameKey: 'r', arn: 'arn' },
    };
    const jobs = jobsForEvents([
      created('5', 't1', 'c1'),
      created('6', 't2', 'c2'),
      created('7', 't1', 'c3'),
      role,
      created('9', 't1', 'c1'),
    ]);
    expect(jobs.map((j) => [j.name, j.jobId, j.data])).toEqual([
      [
        'proton.validate-connection-roles',
        'proton.validate-connection-roles.5-9-3',
        { tenantId: 't1', connectionIds: ['c1', 'c3'] },
      ],
      [
        'proton.validate-connection-roles',
        'proton.validate-connection-roles.6',
        { tenantId: 't2', connectionIds: ['c2'] },
      ],
      [
        'iam.role-changed',
        'iam.role-changed.8',
        { tenantId: 't1', accountId: '1', roleNameKey: 'r', roleArn: 'arn', eventId: '8' },
      ],
    ]);
  });
});
