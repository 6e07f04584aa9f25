'use client';

import { ReissueNotice } from './reissue-notice';
import { SessionExpiredDialog } from './session-expired-dialog';

/** What the tab's auth actor has to tell the person: a failed renewal, an ended session. */
export function LiveSessionAlerts() {
  return (
    <div className="session-alerts" data-testid="session-alerts">
      <ReissueNotice />
      <SessionExpiredDialog />
    </div>
  );
}
