import { indexHandlers, JOB_NAMES, JobHandler } from '@accountlink/jobs';
import { HANDLERS } from './worker.module';

describe('the worker', () => {
  it('mounts exactly one handler for every job name (or it would refuse to start)', () => {
    // Handlers only keep their dependencies in the constructor; none are needed to read jobName.
    const instances = HANDLERS.map(
      (Handler) => new (Handler as new (...args: never[]) => JobHandler)(),
    );
    const index = indexHandlers(instances);
    expect([...index.keys()].sort()).toEqual([...JOB_NAMES].sort());
  });
});
