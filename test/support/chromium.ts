// Debian's Chromium for the browser tests, driven by playwright-core. The flags
// keep a headless start off the network: without the background-networking ones
// Chromium's own connections are refused by a closed network, many at a time.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Debian's package puts it (`apt-get install -y chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether it is installed; a browser test fails without it under CI=true and skips elsewhere. */
export const chromiumPresent = existsSync(CHROMIUM);

/** A headless Chromium started offline-friendly, as root may run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
