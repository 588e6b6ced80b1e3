/**
 * How many scenario runs share the cluster at once unless --concurrency says otherwise. jest.config.ts
 * (which cannot import this module) has the same number as its fallback; a unit test keeps them equal.
 */
export const DEFAULT_CONCURRENCY = 8;
