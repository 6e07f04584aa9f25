import type { Metadata } from 'next';
import { PopupDone } from './popup-done';

export const metadata: Metadata = { title: 'Signed in' };

/** Where the provider sends the sign-in popup back to: tells the page that opened it, closes. */
export default function SignInDonePage() {
  return (
    <main className="narrow">
      <PopupDone />
    </main>
  );
}
