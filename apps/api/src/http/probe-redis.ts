export const PROBE_REDIS = Symbol('PROBE_REDIS');
