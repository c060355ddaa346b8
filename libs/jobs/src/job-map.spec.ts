import { indexHandlers, JOB_NAMES, JobHandler, JobMap, JobName } from './job-map';

const handler = <K extends JobName>(jobName: K): JobHandler<K> => ({
  jobName,
  handle: async (_data: JobMap[K]) => undefined,
});

describe('indexHandlers', () => {
  it('indexes exactly one handler per job name', () => {
    const map = indexHandlers(JOB_NAMES.map((name) => handler(name)));
    expect([...map.keys()].sort()).toEqual([...JOB_NAMES].sort());
  });

  it('refuses a job without a handler', () => {
    const others = JOB_NAMES.filter((name) => name !== 'iam.role-changed').map((name) =>
      handler(name),
    );
    expect(() => indexHandlers(others)).toThrow(/"iam.role-changed" has no handler/);
  });

  it('refuses a job with two handlers', () => {
    const all = JOB_NAMES.map((name) => handler(name));
    expect(() => indexHandlers([...all, handler('outbox.purge')])).toThrow(
      /"outbox.purge" has 2 handlers/,
    );
  });
});
