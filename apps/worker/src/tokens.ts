export const OWNER_POOL = Symbol('OWNER_POOL');
export const WORKER_REDIS = Symbol('WORKER_REDIS');
