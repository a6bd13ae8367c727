/**
 * What every page carries for search: the header button and the shortcuts `/` and Ctrl/Cmd+K. The
 * dialog itself (and Pagefind behind it) loads on the first open, so a chapter's initial JS grows
 * by this file only.
 */
import { toast } from '../../lib/page-chrome';
import type { SearchDialog } from './search-dialog';

/** Typing in a field (or an editable region) keeps its `/` and Ctrl+K. */
export function isTypingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || t.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])') !== null;
}

let dialog: Promise<SearchDialog> | null = null;

async function openSearch() {
  dialog ??= import('./search-dialog').then((m) => new m.SearchDialog(import.meta.env.BASE_URL));
  try {
    (await dialog).open();
  } catch {
    dialog = null; // the chunk failed to load (offline on a page from cache): say so and let a later press retry
    toast('Search could not load. Check your connection and try again.', 2500);
  }
}

export function initSearch() {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-search-open]')) b.addEventListener('click', () => void openSearch());
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey) return;
    const slash = e.key === '/' && !e.ctrlKey && !e.metaKey;
    const k = (e.key === 'k' || e.key === 'K') && (e.ctrlKey || e.metaKey) && !e.shiftKey;
    if (!slash && !k) return;
    if (isTypingTarget(e.target)) return;
    e.preventDefault();
    void openSearch();
  });
}
