/**
 * The search dialog: a native <dialog> with one input (a combobox) and a list of results, driven by
 * the keyboard. Loaded by launcher.ts the first time search opens; it loads Pagefind
 * (dist/pagefind/pagefind.js, written by src/integrations/pagefind.mjs) only then, so no page pays
 * for search until the reader asks. Everything is built with DOM calls and text nodes: no innerHTML,
 * no inline script or handler attributes (the book runs under a strict CSP).
 */
import { modal } from '../../lib/modal';
import { countMessage, excerptParts, flattenResults, type PagefindPage, type SearchRow, type Unavailable, unavailableMessage } from './results';

interface Pagefind {
  options(o: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  search(q: string): Promise<{ results: { data(): Promise<PagefindPage> }[] }>;
}

class SearchUnavailable extends Error {
  constructor(readonly reason: Unavailable) {
    super(reason);
  }
}

const MAX_PAGES = 6;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Asks for the entry file first, so a missing index (npm run dev) reads differently from a failed network. */
async function loadPagefind(base: string): Promise<Pagefind> {
  let res: Response;
  try {
    res = await fetch(`${base}pagefind/pagefind-entry.json`, { cache: 'no-cache' });
  } catch {
    throw new SearchUnavailable(navigator.onLine === false ? 'offline' : 'failed');
  }
  if (!res.ok) throw new SearchUnavailable(res.status === 404 ? 'missing' : 'failed');
  try {
    const pf = (await import(/* @vite-ignore */ `${base}pagefind/pagefind.js`)) as Pagefind;
    await pf.options({ baseUrl: base, excerptLength: 22 });
    await pf.init();
    return pf;
  } catch {
    throw new SearchUnavailable(navigator.onLine === false ? 'offline' : 'failed');
  }
}

export class SearchDialog {
  readonly dialog = el('dialog', { class: 'search-dialog', 'aria-labelledby': 'search-title' });
  private readonly input = el('input', {
    id: 'search-input', type: 'search', role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'search-results',
    'aria-autocomplete': 'list', autocomplete: 'off', spellcheck: 'false', placeholder: 'Search the book', enterkeyhint: 'go',
  });
  private readonly status = el('p', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
  private readonly list = el('ul', { id: 'search-results', role: 'listbox', 'aria-label': 'Results' });
  private rows: SearchRow[] = [];
  private active = -1;
  private pagefind: Promise<Pagefind> | null = null;
  private query = 0;
  private readonly modal: ReturnType<typeof modal>;

  constructor(private readonly base: string) {
    const head = el('div', { class: 'search-head' });
    const label = el('label', { for: 'search-input', id: 'search-title', class: 'search-label' }, 'Search the book');
    const close = el('button', { type: 'button', class: 'search-close', 'aria-label': 'Close search' }, 'Esc');
    close.addEventListener('click', () => this.dialog.close());
    head.append(label, this.input, close);
    const help = el('p', { class: 'search-help', 'aria-hidden': 'true' }, '↑ ↓ move · Enter opens · Esc closes');
    this.dialog.append(head, this.status, this.list, help);
    this.input.addEventListener('input', () => void this.search());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.modal = modal(this.dialog);
    document.body.append(this.dialog);
  }

  open() {
    if (this.dialog.open) return this.input.focus();
    this.modal.open();
    this.input.focus();
    this.input.select();
    this.pagefind ??= loadPagefind(this.base);
    this.pagefind.catch((e: unknown) => {
      this.pagefind = null; // try again on the next open (the reader may be back online)
      this.showUnavailable(e);
    });
    if (this.input.value) void this.search();
  }

  private showUnavailable(e: unknown) {
    this.status.textContent = unavailableMessage(e instanceof SearchUnavailable ? e.reason : 'failed');
    this.status.dataset.kind = 'error';
    this.render([]);
  }

  private async search() {
    const q = this.input.value;
    const mine = ++this.query;
    if (!q.trim()) {
      this.status.textContent = '';
      this.render([]);
      return;
    }
    try {
      const pf = await (this.pagefind ??= loadPagefind(this.base));
      // debounce here rather than with Pagefind's debouncedSearch: one search per pause in typing,
      // and a reply to an older query is dropped by its number, never shown under a newer one
      await new Promise((r) => setTimeout(r, 120));
      if (mine !== this.query) return;
      const found = await pf.search(q);
      if (mine !== this.query) return;
      const pages = await Promise.all(found.results.slice(0, MAX_PAGES).map((r) => r.data()));
      if (mine !== this.query) return;
      const rows = flattenResults(pages);
      delete this.status.dataset.kind;
      this.status.textContent = countMessage(rows, q);
      this.status.dataset.query = q; // which query the list answers (tests wait on it)
      this.render(rows);
    } catch (e) {
      if (mine !== this.query) return;
      this.pagefind = null;
      this.showUnavailable(e);
    }
  }

  private render(rows: SearchRow[]) {
    this.rows = rows;
    this.list.replaceChildren(
      ...rows.map((r, i) => {
        const li = el('li', { role: 'option', id: `search-option-${i}`, 'aria-selected': 'false' });
        const a = el('a', { href: r.url, tabindex: '-1' });
        const where = el('span', { class: 'search-where' });
        where.append(el('span', { class: 'search-chapter' }, r.chapter));
        if (r.section) where.append(el('span', { class: 'search-section' }, r.section));
        const excerpt = el('span', { class: 'search-excerpt' });
        for (const p of excerptParts(r.excerpt)) excerpt.append(p.mark ? el('mark', {}, p.text) : document.createTextNode(p.text));
        a.append(where, excerpt);
        a.addEventListener('click', () => this.dialog.close());
        li.append(a);
        li.addEventListener('mousemove', () => this.select(i));
        return li;
      }),
    );
    this.input.setAttribute('aria-expanded', String(rows.length > 0));
    this.select(rows.length ? 0 : -1);
  }

  private select(i: number) {
    this.active = i;
    this.list.querySelectorAll('[role=option]').forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i < 0) return this.input.removeAttribute('aria-activedescendant');
    this.input.setAttribute('aria-activedescendant', `search-option-${i}`);
    this.list.children[i]?.scrollIntoView({ block: 'nearest' });
  }

  private onKey(e: KeyboardEvent) {
    // Escape closes at once (a search field would first clear itself and keep the dialog open)
    if (e.key === 'Escape') {
      e.preventDefault();
      this.dialog.close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!this.rows.length) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      this.select((this.active + step + this.rows.length) % this.rows.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const row = this.rows[this.active];
      if (!row) return;
      this.dialog.close();
      location.assign(new URL(row.url, location.href).href);
    }
  }
}
