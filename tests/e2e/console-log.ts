/**
 * What a page says in the browser's console. A quiet console is part of the product: a warning
 * on every load (an unknown header feature, a hydration mismatch) teaches people to ignore it.
 */
import type { BrowserContext } from 'playwright-core';

/** Every console warning and error, and every uncaught page error, of one context, as it happens. */
export function recordConsole(context: BrowserContext): string[] {
  const logged: string[] = [];
  context.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') {
      logged.push(`${message.type()} on ${message.location().url}: ${message.text()}`);
    }
  });
  context.on('weberror', (error) => logged.push(`uncaught: ${error.error().message}`));
  return logged;
}
