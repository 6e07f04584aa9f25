import { afterAll, beforeAll, describe } from 'vitest';
import type { RedisClusterHandle } from '../support/redis-cluster';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import { SCALE_OUT_ENV, scaleOutSuite } from './scale-out-suite';

/**
 * The scale-out suite, unchanged, on a real 3-primary Redis Cluster (created with
 * `redis-cli --cluster create`): one token's lock, outcome and rotated mark share a hash tag,
 * so the coordinator's scripts run on one node, and tickets and rotations are seen by every
 * process whichever node holds them.
 */
const APPS = 3;
let stack: ScaleOutStack<RedisClusterHandle>;

beforeAll(async () => {
  stack = await startScaleOutStack({ apps: APPS, redis: 'cluster', ...SCALE_OUT_ENV });
});

afterAll(async () => {
  await stack?.stop();
});

describe('strict API, 3 processes, a 3-primary Redis Cluster, one origin', () => {
  scaleOutSuite(() => stack, APPS);
});
