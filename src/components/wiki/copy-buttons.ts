/**
 * Copy buttons on /wiki/: copy the link, say so on the button and in the page's toast; where the
 * clipboard is blocked, select the written-out link so the reader can copy it by hand, and say that.
 */
import { copyText, toast } from '../../lib/page-chrome';

export function initCopyButtons() {
  document.addEventListener('click', async (ev) => {
    const button = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-copy]');
    if (!button) return;
    const url = button.dataset.copy ?? '';
    const ok = await copyText(url);
    button.toggleAttribute('data-copied', ok);
    button.toggleAttribute('data-copy-failed', !ok);
    button.textContent = ok ? 'Copied ✓' : 'Copy by hand';
    if (ok) toast('Link copied');
    else {
      const shown = button.parentElement?.querySelector('.link-url');
      if (shown) getSelection()?.selectAllChildren(shown);
      toast(`The clipboard is blocked here; copy the selected link by hand: ${url}`);
    }
    setTimeout(() => {
      button.textContent = 'Copy';
      button.removeAttribute('data-copied');
      button.removeAttribute('data-copy-failed');
    }, 2500);
  });
}
