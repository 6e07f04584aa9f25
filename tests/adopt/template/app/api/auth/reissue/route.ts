import type { NextRequest } from 'next/server';
import { auth } from '@/lib/auth/server';

export function POST(req: NextRequest) {
  return auth.reissueRoute(req);
}
