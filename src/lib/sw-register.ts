/**
 * Register the service worker (dist/sw.js, written by src/integrations/service-worker.mjs) so the
 * book works offline after a first visit. Production builds only: `astro dev` has no sw.js, and a
 * worker caching dev modules would serve stale code. A new deploy's worker takes over at once
 * (skipWaiting + clientsClaim), so the next visit or reload shows the new version.
 */
import { toast } from './page-chrome';

const OFFLINE_KEY = 'learning-dynamics.offline-ready';

/** What to tell the reader when a service worker takes control of this page, if anything. */
export function controllerChangeMessage(hadController: boolean, toldBefore: boolean): string | null {
  // pages come from the network first, so the page that sees the takeover already is the new version
  if (hadController) return 'Updated to a new version';
  return toldBefore ? null : 'Available offline';
}

function readFlag(): boolean {
  try {
    return localStorage.getItem(OFFLINE_KEY) === '1';
  } catch {
    return false; // blocked storage: the note may show again on a later first install, which is harmless
  }
}

function writeFlag(): void {
  try {
    localStorage.setItem(OFFLINE_KEY, '1');
  } catch {
    /* blocked storage */
  }
}

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  // a page loaded under a worker that a new one replaces is an update; a page that had none is a first install
  const hadController = !!sw.controller;
  sw.addEventListener('controllerchange', () => {
    const message = controllerChangeMessage(hadController, readFlag());
    if (!message) return;
    if (!hadController) writeFlag();
    toast(message);
  });
  const register = () =>
    sw.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: unknown) => {
      // no offline copy (private mode, blocked storage, an old browser): the book still works online
      console.warn('Service worker not registered:', e);
    });
  // after load: the page's own requests (onnxruntime's wasm) go first, and the install reuses them from the HTTP cache
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
