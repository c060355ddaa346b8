import path from 'node:path';
import { Scenario } from '../scenario';
import { codecatalystPortal } from './codecatalyst-portal';
import { protonConnections } from './proton-connections';
import { protonEnvironments } from './proton-environments';
import { readMix } from './read-mix';

/** The scenarios that come with the product; read-mix wraps a writer (--writer). */
export const BUILT_IN: Record<string, Scenario> = {
  'proton-connections': protonConnections,
  'proton-environments': protonEnvironments,
  'codecatalyst-portal': codecatalystPortal,
};

function isScenario(value: unknown): value is Scenario {
  const s = value as Partial<Scenario> | null;
  return (
    !!s &&
    typeof s.name === 'string' &&
    typeof s.flow === 'function' &&
    typeof s.readBack === 'function' &&
    (s.role === null || typeof s.role === 'object')
  );
}

/**
 * A scenario by name, or a custom one from a module path (its default export, or `scenario`);
 * read-mix runs the writer scenario with readers beside it.
 */
export function loadScenario(
  name: string,
  writer: string,
  subscribers: number | null,
  cwd = process.cwd(),
): Scenario {
  if (name === 'read-mix') {
    return readMix(loadScenario(writer, writer, subscribers, cwd), subscribers);
  }
  const builtIn = BUILT_IN[name];
  if (builtIn) {
    return builtIn;
  }
  if (!/[/\\.]/.test(name)) {
    throw new Error(
      `unknown scenario "${name}": ${[...Object.keys(BUILT_IN), 'read-mix'].join(', ')}, or a module path`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.resolve(cwd, name)) as { default?: unknown; scenario?: unknown };
  const scenario = loaded.default ?? loaded.scenario ?? loaded;
  if (!isScenario(scenario)) {
    throw new Error(
      `${name} does not export a scenario (name, role, flow, readBack): see the README's load-testing section`,
    );
  }
  return scenario;
}
