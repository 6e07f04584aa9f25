import type { SessionUser } from '@/lib/next-auth';

/** The user's field image, or their initials on a colour derived from their email (stable across data resets). */
export function Avatar({ user, size = 56 }: { user: SessionUser; size?: number }) {
  if (user.fieldImage) {
    // eslint-disable-next-line @next/next/no-img-element -- arbitrary user-supplied hosts
    return <img className="avatar" src={user.fieldImage} alt="" width={size} height={size} />;
  }
  const initials = user.penName
    .split(/\s+/)
    .map((word) => word[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const hue = [...user.email].reduce((sum, char) => sum + char.charCodeAt(0), 0) % 360;
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, background: `hsl(${hue} 50% 28%)` }}
    >
      {initials}
    </span>
  );
}
