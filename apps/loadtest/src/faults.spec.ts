import { faultsBetween, parseInjectedFaults } from './faults';

const METRICS = `# HELP accountlink_injected_faults_total Faults injected
# TYPE accountlink_injected_faults_total counter
accountlink_injected_faults_total{edge="aws",kind="ThrottlingException"} 12
accountlink_injected_faults_total{edge="graphql",kind="THROTTLED"} 3
accountlink_injected_faults_total{edge="aws",kind="latency"} 40
accountlink_requests_total{edge="aws"} 999
`;

describe('injected faults from /metrics', () => {
  it('sums the counter per edge and kind, ignoring other metrics', () => {
    expect(parseInjectedFaults(METRICS)).toEqual({
      'aws/ThrottlingException': 12,
      'graphql/THROTTLED': 3,
      'aws/latency': 40,
    });
  });

  it('keeps what a run added, and only that', () => {
    const before = { 'aws/ThrottlingException': 10, 'aws/latency': 40 };
    expect(faultsBetween(before, parseInjectedFaults(METRICS))).toEqual({
      'aws/ThrottlingException': 2,
      'graphql/THROTTLED': 3,
    });
  });
});
