import { existsSync } from 'node:fs';

/** The Chromium binary: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. Throws with the fix when absent. */
export function chromiumPath(): string {
  const exe = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(exe)) {
    throw new Error(
      `End-to-end tests need Chromium, and none was found at ${exe}. Install Debian's package ` +
        '(`sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  return exe;
}
