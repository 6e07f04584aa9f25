import { memoryRotationLog, type RotationLog } from '../rotations';
import { RedisUnreachableError } from './commands';
import { DEFAULT_KEY_PREFIX, reissueKeys } from './keys';
import type { RedisLink } from './link';

/**
 * The rollback guard across every app process. The Redis coordinator marks a refresh token
 * rotated in the same script that stores its outcome (`…{hash}:rotated`, see keys.ts), so any
 * process can tell that a ticket carries a retired token, whichever process rotated it. This
 * process's own memory answers first; Redis is asked only when it says no. While Redis is
 * unreachable the answer is "rotated": the ticket is refused, which loses nothing.
 */
export function createRedisRotationLog({
  link,
  keyPrefix = DEFAULT_KEY_PREFIX,
  local = memoryRotationLog(),
}: {
  link: RedisLink;
  keyPrefix?: string;
  local?: RotationLog;
}): RotationLog {
  return {
    noteRotated: (refreshToken) => local.noteRotated(refreshToken),
    async wasRotated(refreshToken) {
      if (await local.wasRotated(refreshToken)) return true;
      try {
        const { rotated } = reissueKeys(keyPrefix, refreshToken);
        return (await link.run((redis) => redis.exists(rotated))) > 0;
      } catch (error) {
        if (error instanceof RedisUnreachableError) return true;
        throw error;
      }
    },
  };
}
