/**
 * The "cite this" dialog of a chapter page (markup and strings: src/components/CiteThis.astro).
 * Opens from the chapter button or a section's "cite" button, fills itself from that section's
 * data- attributes, copies with the clipboard or, where it is blocked, selects the text to copy
 * by hand. The native <dialog> closes on Escape; focus goes back to the button that opened it.
 */
import { modal } from './modal';
import { copyText, toast } from './page-chrome';

interface CiteData {
  section: string;
  title: string;
  url: string;
  bibtex: string;
  text: string;
}

function readData(): Map<string, CiteData> {
  const out = new Map<string, CiteData>();
  for (const li of document.querySelectorAll<HTMLElement>('[data-cite-data] > [data-cite-section]')) {
    const d = li.dataset;
    out.set(d.citeSection ?? '', { section: d.citeSection ?? '', title: d.citeTitle ?? '', url: d.citeUrl ?? '', bibtex: d.citeBibtex ?? '', text: d.citeText ?? '' });
  }
  return out;
}

export function initCiteDialog() {
  const dialog = document.querySelector<HTMLDialogElement>('dialog.cite-dialog');
  if (!dialog || typeof dialog.showModal !== 'function') return; // no <dialog> support: the buttons stay hidden
  const data = readData();
  const chapter = data.get('');
  if (!chapter) return;
  const q = <T extends Element>(sel: string) => dialog.querySelector<T>(sel)!;
  const fields = { bibtex: q<HTMLTextAreaElement>('[data-cite-field="bibtex"]'), text: q<HTMLTextAreaElement>('[data-cite-field="text"]') };
  const status = q<HTMLElement>('[data-cite-status]');
  const box = modal(dialog);

  function open(item: CiteData, from: HTMLElement) {
    q('[data-cite-kind]').textContent = item.section ? 'section' : 'chapter';
    q('[data-cite-what]').textContent = item.section ? `${chapter!.title} › ${item.title}` : item.title;
    for (const [k, field] of Object.entries(fields)) {
      field.value = item[k as keyof typeof fields];
      // a new value leaves the caret (and the scroll) at its end: show the start
      field.setSelectionRange(0, 0);
      field.scrollTop = 0;
    }
    const link = q<HTMLAnchorElement>('[data-cite-link]');
    link.href = item.url;
    link.textContent = item.url;
    status.textContent = '';
    dialog!.dataset.citeSection = item.section;
    box.open(from);
  }

  dialog.addEventListener('click', async (ev) => {
    const btn = (ev.target as Element).closest<HTMLButtonElement>('[data-cite-copy]');
    if (btn) {
      const kind = btn.dataset.citeCopy === 'text' ? 'text' : 'bibtex';
      const field = fields[kind];
      const label = kind === 'text' ? 'Citation' : 'BibTeX';
      if (await copyText(field.value)) {
        status.textContent = `${label} copied.`;
        toast(`${label} copied`);
      } else {
        // blocked clipboard: the text is on screen; select it so Ctrl+C / ⌘C copies it
        field.focus();
        field.select();
        status.textContent = `The clipboard is blocked here: the ${label} is selected — press Ctrl+C (⌘C) to copy it.`;
      }
    }
  });

  const chapterButton = document.querySelector<HTMLButtonElement>('[data-cite-open]');
  if (chapterButton) {
    chapterButton.hidden = false;
    chapterButton.addEventListener('click', () => open(chapter, chapterButton));
  }

  // a "cite" button beside each section heading's "#" copy-link control
  for (const item of data.values()) {
    if (!item.section) continue;
    const heading = document.getElementById(item.section);
    const anchor = heading?.querySelector('.heading-link');
    if (!heading || !anchor) continue;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'heading-cite';
    b.textContent = 'cite';
    b.setAttribute('aria-label', `Cite the section “${item.title}”`);
    b.dataset.citeSection = item.section;
    b.addEventListener('click', () => open(item, b));
    anchor.after(b);
  }
}
