/** The header's "Reading settings" button; the panel loads on the first press. */
import type { SettingsPanel } from './settings-panel';

let panel: Promise<SettingsPanel> | null = null;

export function initReadingSettings() {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-settings-open]')) {
    b.addEventListener('click', async () => {
      panel ??= import('./settings-panel').then((m) => new m.SettingsPanel());
      try {
        (await panel).open();
      } catch {
        panel = null; // the chunk failed to load; a later press retries
      }
    });
  }
}
