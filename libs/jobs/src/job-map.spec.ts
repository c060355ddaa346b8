import { indexHandlers, JobHandler, JobMap, JobName } from './job-map';

const handler = <K extends JobName>(jobName: K): JobHandler<K> => ({
  jobName,
  handle: async (_data: JobMap[K]) => undefined,
});

describe('indexHandlers', () => {
  it('indexes exactly one handler per job name', () => {
    const map = indexHandlers([
      handler('iam.role-changed'),
      handler('outbox.purge'),
      handler('proton.validate-connection-roles'),
    ]);
    expect([...map.keys()].sort()).toEqual([
      'iam.role-changed',
      'outbox.purge',
      'proton.validate-connection-roles',
    ]);
  });

  it('refuses a job without a handler', () => {
    expect(() => indexHandlers([handler('outbox.purge')])).toThrow(
      /"iam.role-changed" has no handler/,
    );
  });

  it('refuses a job with two handlers', () => {
    expect(() =>
      indexHandlers([
        handler('outbox.purge'),
        handler('outbox.purge'),
        handler('iam.role-changed'),
      ]),
    ).toThrow(/"outbox.purge" has 2 handlers/);
  });
});
