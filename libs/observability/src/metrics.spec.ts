import { Metrics } from './metrics';

describe('Metrics', () => {
  it('labels every series with the process and keeps registries apart', async () => {
    const api = new Metrics('api');
    const worker = new Metrics('worker');
    api.httpRequests.inc({ method: 'POST', route: '/graphql', status: '200' });
    worker.jobOutcomes.inc({ job: 'outbox.purge', outcome: 'completed' });
    const apiText = await api.registry.metrics();
    const workerText = await worker.registry.metrics();
    expect(apiText).toContain(
      'accountlink_http_requests_total{method="POST",route="/graphql",status="200",process="api"} 1',
    );
    expect(apiText).not.toContain('accountlink_job_outcomes_total{');
    expect(workerText).toContain(
      'accountlink_job_outcomes_total{job="outbox.purge",outcome="completed",process="worker"} 1',
    );
  });
});
