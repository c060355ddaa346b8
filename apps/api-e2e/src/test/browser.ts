import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { apiUrl, config } from './client';

/** Debian's chromium, driven by playwright-core; `npm test` installs it with apt when root. */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags Chromium needs on these machines (no sandbox as root, no background networking). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Screenshots of the portal's steps, in a git-ignored folder (the README shows copies). */
export const SCREENSHOTS = join(config.dataDir, 'screenshots', 'portal');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core on the page as it is now: its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(context: Document): Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** What a page did that a test checks afterwards: every request's URL, dialogs, script errors. */
export interface Watched {
  urls: string[];
  dialogs: string[];
  errors: string[];
}

export function watch(page: Page): Watched {
  const watched: Watched = { urls: [], dialogs: [], errors: [] };
  page.on('request', (request) => watched.urls.push(request.url()));
  page.on('websocket', (socket) => watched.urls.push(socket.url()));
  page.on('dialog', (dialog) => {
    watched.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  return watched;
}

/** The origins a portal page may talk to: the API's own, over HTTP and WebSocket. */
export function ownOrigins(): string[] {
  const origin = new URL(apiUrl()).origin;
  return [origin, origin.replace(/^http/, 'ws')];
}

/**
 * Presses Tab until the focused element is the one named (its label, aria-label or text), as a
 * keyboard user would reach it; fails if it cannot be reached in `limit` presses.
 */
export async function tabTo(page: Page, name: string, limit = 40): Promise<void> {
  for (let i = 0; i <= limit; i++) {
    // Already there (a page that focuses its first field) counts: no key needed.
    if (i > 0) {
      await page.keyboard.press('Tab');
    }
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) {
        return '';
      }
      const labelled = el.getAttribute('aria-label');
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return (labelled ?? label ?? el.textContent ?? '').trim();
    });
    if (focused === name) {
      return;
    }
  }
  throw new Error(`"${name}" cannot be reached with the Tab key`);
}
