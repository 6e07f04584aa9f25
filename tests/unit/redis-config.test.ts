import { describe, expect, test } from 'vitest';
import { parseConfig } from '@/lib/config';

describe('Redis topology from the environment, validated once', () => {
  test('none configured: every process coordinates only itself', () => {
    const config = parseConfig({});
    expect(config.redis).toBeUndefined();
    expect(config.REDIS_OUTAGE_WAIT_MS).toBe(10_000);
    expect(config.REISSUE_FALLBACK).toBe('none');
  });

  test('REDIS_URL is one server', () => {
    expect(parseConfig({ REDIS_URL: 'redis://cache:6379/0' }).redis).toEqual({
      topology: { kind: 'standalone', url: 'redis://cache:6379/0' },
    });
  });

  test('REDIS_SENTINELS and REDIS_SENTINEL_NAME are a Sentinel group; IPv6 hosts in brackets', () => {
    const config = parseConfig({
      REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b:26380,[::1]:26381',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_PASSWORD: 'data-node-password',
    });
    expect(config.redis).toEqual({
      topology: {
        kind: 'sentinel',
        name: 'mymaster',
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: 'sentinel-b', port: 26380 },
          { host: '::1', port: 26381 },
        ],
      },
      username: undefined,
      password: 'data-node-password',
    });
  });

  test('REDIS_CLUSTER_NODES is a Cluster', () => {
    expect(parseConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7001' }).redis).toMatchObject(
      {
        topology: {
          kind: 'cluster',
          nodes: [
            { host: '10.0.0.1', port: 7000 },
            { host: '10.0.0.2', port: 7001 },
          ],
        },
      },
    );
  });

  test.each([
    [
      { REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000' },
      /set one of REDIS_URL, REDIS_CLUSTER_NODES/,
    ],
    [{ REDIS_SENTINELS: 'a:26379' }, /go together/],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, /go together/],
    [{ REDIS_CLUSTER_NODES: 'b' }, /"b" is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'b:70000' }, /"b:70000" is not host:port/],
    [{ REDIS_CLUSTER_NODES: ' , ' }, /expected host:port/],
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL/],
    [{ REISSUE_FALLBACK: 'always' }, /REISSUE_FALLBACK/],
    [{ REDIS_OUTAGE_WAIT_MS: '-1' }, /REDIS_OUTAGE_WAIT_MS/],
  ])('%o is refused at start-up, naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  test('REISSUE_FALLBACK=in-process and a shorter outage wait are taken as given', () => {
    const config = parseConfig({
      REDIS_URL: 'rediss://cache:6380',
      REISSUE_FALLBACK: 'in-process',
      REDIS_OUTAGE_WAIT_MS: '2500',
    });
    expect(config.REISSUE_FALLBACK).toBe('in-process');
    expect(config.REDIS_OUTAGE_WAIT_MS).toBe(2_500);
  });
});
