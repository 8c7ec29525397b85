/**
 * Headless Debian Chromium driven by playwright-core (Playwright cannot download its own
 * browser here). The flags keep Chromium off the network it cannot reach anyway: without them it
 * tries Google's hosts at start and those refused connections slow everything down.
 * @module
 */
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.UNITY_TEST_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}
