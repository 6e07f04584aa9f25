/**
 * One generated path's world for the model-based browser suite: a fresh user, a browser
 * context, the tab under test on /debug, and a second tab when the path needs one. The tab's
 * statechart panel is watched from inside the page (a MutationObserver on its data attributes),
 * so every state the actor passes through is recorded, even one that lasts a few milliseconds
 * or is followed at once by a page load.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ExpectStatic } from 'vitest';
import type { FaultProxy } from '../support/fault-proxy';
import { createPostOnApi, reissueOutcomes, signUpOnApi, type Stack } from './harness';
import { eventually } from './waits';

export interface Shared {
  stack: Stack;
  proxy: FaultProxy;
  browser: Browser;
}

/** What the panel shows at one moment: the actor's state and the context fields that matter. */
export interface PanelEntry {
  state: string;
  error: string;
  retry: number;
  reissues: number;
  coalesced: number;
  /** 'stopped' once the breaker has stopped proactive reissue, else 'on'. */
  breaker: string;
  /** 401s the chart read as a route refusing a good token. */
  refused: number;
  /** The last characters of the access token; '' without one. */
  token: string;
  /** When the test heard of it (ISO time). */
  at?: string;
  /** The same, in epoch ms. */
  receivedAt?: number;
}

export interface Counters {
  /** API reissues that handed out a pair: rotations and grace-window replays. */
  apiReissues: number;
  invalid: number;
  reuseDetected: number;
  /** POST /auth/reissue requests that reached the fault proxy from the Next server. */
  proxyReissues: number;
}

const PANEL_ATTRIBUTES = [
  'data-current',
  'data-error',
  'data-retry-attempt',
  'data-reissues',
  'data-coalesced',
  'data-breaker',
  'data-refused',
  'data-token-tag',
];

/** Runs inside the page before its scripts: reports every change of the panel to the test. */
function observePanel(attributes: string[]) {
  let last = '';
  const report = () => {
    const panel = document.querySelector('[data-testid="statechart-panel"][data-current]');
    if (!panel) return;
    const entry = {
      state: panel.getAttribute('data-current') ?? '',
      error: panel.getAttribute('data-error') ?? '',
      retry: Number(panel.getAttribute('data-retry-attempt')),
      reissues: Number(panel.getAttribute('data-reissues')),
      coalesced: Number(panel.getAttribute('data-coalesced')),
      breaker: panel.getAttribute('data-breaker') ?? '',
      refused: Number(panel.getAttribute('data-refused')),
      token: panel.getAttribute('data-token-tag') ?? '',
    };
    const key = JSON.stringify(entry);
    if (key === last) return;
    last = key;
    (window as unknown as { __panelChanged: (e: typeof entry) => void }).__panelChanged(entry);
  };
  new MutationObserver(report).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: attributes,
  });
}

export async function counters(shared: Shared): Promise<Counters> {
  const outcomes = await reissueOutcomes(shared.stack.api.url);
  return {
    apiReissues: outcomes.rotated + outcomes.grace,
    invalid: outcomes.invalid,
    reuseDetected: outcomes.reuse_detected,
    proxyReissues: shared.proxy
      .stats()
      .requests.filter((r) => r.method === 'POST' && r.path.startsWith('/auth/reissue')).length,
  };
}

export class PathWorld {
  readonly log: PanelEntry[] = [];
  /** Index in `log` of the entry the last verified step ended on. */
  cursor = -1;
  other: Page | undefined;
  /** Whether the reissue running now was started by a burst of requests from the debug page. */
  burstInFlight = false;
  /** Whether a burst at the route that refuses every token is still to be checked. */
  refusedBurstInFlight = false;

  private constructor(
    readonly shared: Shared,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly user: { email: string; password: string; penName: string },
    readonly postTitle: string,
    readonly expect: ExpectStatic,
  ) {}

  /** `eventually` with this path's own `expect`: paths run as concurrent tests. */
  eventually<T>(read: () => T | Promise<T>) {
    return eventually(read, { expect: this.expect });
  }

  static async open(shared: Shared, label: string, expect: ExpectStatic): Promise<PathWorld> {
    const id = randomUUID().slice(0, 8);
    const user = { email: `model-${id}@example.test`, password: `pw-${id}-model`, penName: id };
    const signedUp = await signUpOnApi(shared.stack.api.url, user);
    const postTitle = `Path ${label} (${id})`;
    await createPostOnApi(shared.stack.api.url, signedUp.accessToken, {
      title: postTitle,
      body: 'Written before the path started.',
    });
    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const world = new PathWorld(shared, context, page, user, postTitle, expect);
    await page.exposeBinding('__panelChanged', (_source, entry: PanelEntry) => {
      const now = new Date();
      world.log.push({ ...entry, at: now.toISOString().slice(11, 23), receivedAt: now.getTime() });
    });
    await page.addInitScript(observePanel, PANEL_ATTRIBUTES);
    return world;
  }

  get app(): string {
    return this.shared.stack.app.url;
  }

  /** A second tab of the same browser (same cookies), on the statechart page. */
  async openOtherTab(): Promise<Page> {
    if (this.other && !this.other.isClosed()) return this.other;
    const other = await this.context.newPage();
    await other.goto(`${this.app}/debug`);
    await other.getByTestId('statechart-panel').and(other.locator('[data-current]')).waitFor();
    this.other = other;
    return other;
  }

  async closeOtherTab(): Promise<void> {
    await this.other?.close();
    this.other = undefined;
  }

  /** Waits until an entry after the cursor satisfies `match`; returns its index. */
  async waitForEntry(
    match: (entry: PanelEntry, index: number) => boolean,
    timeoutMs: number,
    what: string,
    from = this.cursor + 1,
  ): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.log.findIndex((entry, i) => i >= from && match(entry, i));
      if (index >= 0) return index;
      if (Date.now() > deadline) {
        const tail = this.log.slice(Math.max(0, this.cursor - 2)).map((e) => JSON.stringify(e));
        throw new Error(
          `Waited ${timeoutMs} ms for ${what}; the panel showed since the last step:\n  ${tail.join('\n  ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** When the tab's current token arrived: the first panel entry that showed it. */
  tokenReceivedAt(): number {
    const current = this.log.at(-1)?.token;
    const first = this.log.find((entry) => entry.token === current);
    return first?.receivedAt ?? Date.now();
  }

  /**
   * The tab sleeps until `epochMs`: its JavaScript is paused (no timer runs, the wall clock
   * moves on), as when a laptop lid closes; then it resumes and its overdue timers fire.
   */
  async sleepUntil(epochMs: number): Promise<void> {
    const cdp = await this.context.newCDPSession(this.page);
    await cdp.send('Debugger.enable');
    // Stops at the next statement the page runs (its timers run every few seconds).
    await cdp.send('Debugger.pause');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
    await cdp.send('Debugger.resume');
    await cdp.send('Debugger.disable');
    await cdp.detach();
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Longer than the Next server's quick retry after a failed call (REISSUE_QUICK_RETRY_MS). */
const QUIET_MS = 1_500;

/**
 * Waits until every POST /auth/reissue the stack's proxy has received has ended and none came
 * for a moment. A path can leave a call behind: the Next server still waits on a held reissue
 * after the tab signed out or gave up, and retries once when it times out. That call belongs to
 * this path; the next path on the stack must not count it or have it use up its fault rule.
 * Gives up after `timeoutMs` and says so; the next path's own checks then fail.
 */
export async function settleReissues(shared: Shared, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const calls = shared.proxy.stats().requests.filter((r) => r.path.startsWith('/auth/reissue'));
    const open = calls.some((r) => r.endedAt === undefined);
    const lastEnded = Math.max(0, ...calls.map((r) => r.endedAt ?? 0));
    if (!open && Date.now() - lastEnded >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.warn(`reissue calls at the proxy still open after ${timeoutMs} ms`);
}
