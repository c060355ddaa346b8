import { EventMessage } from './event-message';
import { eventChannel, jobsForEvent } from './event-routing';

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
