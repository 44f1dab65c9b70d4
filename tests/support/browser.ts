/**
 * Debian's Chromium driven by playwright-core, for the console's browser tests: whether it
 * can run here (else the reason to skip), a launcher with the flags a headless CI needs, and
 * where screenshots go (tests/screenshots/, ignored by git).
 * @module
 */
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium; tests/run.sh installs it when run as root. */
export const CHROMIUM = "/usr/bin/chromium";

/** Where screenshots of the console are saved by the test run. */
export const SCREENSHOT_DIR = new URL("../screenshots/", import.meta.url).pathname;

/** Null when the browser tests can run, else why not. */
export function chromiumAvailable(): string | null {
  try {
    Deno.statSync(CHROMIUM);
    return null;
  } catch {
    return `${CHROMIUM} is missing: run tests/run.sh as root, or apt-get install chromium`;
  }
}

/** A launched headless Chromium, closed on dispose. */
export async function launchChromium(): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}
