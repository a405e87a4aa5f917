// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) for tests that check
// what a browser really shows: the trace viewer's diagrams and the benchmark plots.
import test, { type TestFn } from 'ava';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// CI installs Chromium (.ci/run), so there a browser test never skips; elsewhere it says why it did.
const hasChromium = existsSync(CHROMIUM) || process.env.CI === 'true';
/** `test`, or `test.skip` where there is no Chromium (never in CI). */
export const browserTest: TestFn = hasChromium ? test : (test.skip as unknown as TestFn);
/** Appended to a browser test's title where it is skipped. */
export const skipNote = hasChromium ? '' : ` (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`;

/** Runs `use` on a fresh page of a throwaway browser profile, then closes the browser. */
export async function withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'hs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
