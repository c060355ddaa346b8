/**
 * The API's count of injected faults (`accountlink_injected_faults_total{edge, kind}` on its
 * /metrics), summed per `edge/kind`. It counts every tenant of that API process: on a stack that
 * serves the load test alone, what the run's fault rules did.
 */
export function parseInjectedFaults(metrics: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('accountlink_injected_faults_total{')) {
      continue;
    }
    const edge = /edge="([^"]*)"/.exec(line)?.[1] ?? '?';
    const kind = /kind="([^"]*)"/.exec(line)?.[1] ?? '?';
    const value = Number(line.split(' ').at(-1));
    if (Number.isFinite(value)) {
      counts[`${edge}/${kind}`] = (counts[`${edge}/${kind}`] ?? 0) + value;
    }
  }
  return counts;
}

/** What was injected between two readings (keys with nothing new left out). */
export function faultsBetween(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const n = value - (before[key] ?? 0);
    if (n > 0) {
      delta[key] = n;
    }
  }
  return delta;
}

/** The API's injected-fault counts now, or null when its /metrics cannot be read. */
export async function readInjectedFaults(
  url: string,
  metricsToken?: string,
): Promise<Record<string, number> | null> {
  try {
    const res = await fetch(new URL('/metrics', url), {
      headers: metricsToken ? { authorization: `Bearer ${metricsToken}` } : {},
    });
    return res.ok ? parseInjectedFaults(await res.text()) : null;
  } catch {
    return null;
  }
}
