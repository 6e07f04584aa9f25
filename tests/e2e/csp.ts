import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';

/**
 * Collects every Content-Security-Policy violation Chromium reports in a browser context: the
 * `securitypolicyviolation` DOM event (reported through a binding, so it survives navigations)
 * and the console errors Chromium prints for refused scripts, styles, frames and connections.
 * Any browser test can watch its contexts and assert `violations` stays empty.
 */
export class CspWatch {
  readonly violations: string[] = [];

  /** A new context, already watched. */
  async context(browser: Browser, options?: BrowserContextOptions): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    await this.watch(context);
    return context;
  }

  async watch(context: BrowserContext): Promise<void> {
    await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
      this.violations.push(text);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { __reportCspViolation: (t: string) => void })
          .__reportCspViolation;
        report(
          `${event.effectiveDirective} refused ${event.blockedURI || 'inline'} on ${event.documentURI}`,
        );
      });
    });
    context.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|Content-Security-Policy/i.test(text)) {
        this.violations.push(`console: ${text}`);
      }
    });
  }
}
