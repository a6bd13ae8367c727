/**
 * The "Reading settings" panel: a native <dialog> of radio groups (font size, line width, font,
 * motion). A change applies at once to <html> (src/components/settings/reading.css reads the
 * attributes) and is saved under READING_KEY; when storage is blocked the settings hold for this
 * page and the panel says so. public/reading-init.js applies the saved settings before first paint.
 * Built with DOM calls (no innerHTML, no inline handlers: the book runs under a strict CSP).
 */
import { modal } from '../../lib/modal';
import { DEFAULT_READING, LABELS, parseReading, READING_KEY, readingAttributes, type ReadingSettings, serializeReading } from '../../lib/reading-settings';
import { READING_EVENT } from '../../lib/motion';

const GROUPS: { key: keyof ReadingSettings; legend: string; hint?: string }[] = [
  { key: 'fontSize', legend: 'Text size' },
  { key: 'measure', legend: 'Line width' },
  { key: 'font', legend: 'Font', hint: 'OpenDyslexic has heavier letter bottoms some readers with dyslexia find easier; it loads only when chosen.' },
  { key: 'motion', legend: 'Motion', hint: 'Reduce: no animations, and figures train only when you press Run.' },
];

const NOTES: Record<string, string> = {
  blocked: 'Your browser blocks storage on this site, so these settings hold for this page only.',
  reset: 'Your saved reading settings could not be read and were reset to the defaults.',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The settings now on <html> (set before first paint), checked like stored ones. */
export function currentReading(): ReadingSettings {
  const d = document.documentElement.dataset;
  return parseReading(JSON.stringify({ fontSize: d.fontSize, measure: d.measure, font: d.font, motion: d.motion })).settings;
}

export function applyReading(s: ReadingSettings) {
  for (const [k, v] of Object.entries(readingAttributes(s))) document.documentElement.setAttribute(k, v);
  dispatchEvent(new CustomEvent(READING_EVENT, { detail: s }));
}

/** Save; false when storage refuses (blocked, full, private mode). */
export function saveReading(s: ReadingSettings): boolean {
  try {
    localStorage.setItem(READING_KEY, serializeReading(s));
    return true;
  } catch {
    return false;
  }
}

export class SettingsPanel {
  readonly dialog = el('dialog', { class: 'settings-dialog', 'aria-labelledby': 'settings-title' });
  private readonly note = el('p', { class: 'settings-note', role: 'status', 'aria-live': 'polite', 'data-settings-note': '' });
  private settings = currentReading();
  private readonly modal: ReturnType<typeof modal>;

  constructor() {
    const head = el('div', { class: 'settings-head' });
    head.append(el('h2', { id: 'settings-title' }, 'Reading settings'));
    const close = el('button', { type: 'button', class: 'settings-close' }, 'Close');
    close.addEventListener('click', () => this.dialog.close());
    head.append(close);
    this.dialog.append(head);
    for (const g of GROUPS) this.dialog.append(this.group(g));
    const reset = el('button', { type: 'button', class: 'settings-reset' }, 'Back to defaults');
    reset.addEventListener('click', () => this.change({ ...DEFAULT_READING }));
    this.dialog.append(this.note, reset);
    const stored = document.documentElement.dataset.readingStorage;
    this.setNote(stored && NOTES[stored] ? NOTES[stored] : '');
    this.modal = modal(this.dialog);
    document.body.append(this.dialog);
  }

  private group({ key, legend, hint }: (typeof GROUPS)[number]): HTMLFieldSetElement {
    const fs = el('fieldset', { class: 'settings-group', 'data-setting': key });
    fs.append(el('legend', {}, legend));
    const options = el('div', { class: 'settings-options' });
    for (const [value, label] of Object.entries(LABELS[key])) {
      const l = el('label', { class: 'settings-option' });
      const input = el('input', { type: 'radio', name: `reading-${key}`, value });
      input.checked = this.settings[key] === value;
      input.addEventListener('change', () => {
        if (input.checked) this.change({ ...this.settings, [key]: value } as ReadingSettings);
      });
      l.append(input, document.createTextNode(` ${label}`));
      options.append(l);
    }
    fs.append(options);
    if (hint) fs.append(el('p', { class: 'settings-hint' }, hint));
    return fs;
  }

  private setNote(text: string) {
    this.note.textContent = text;
    this.note.hidden = !text;
  }

  private change(next: ReadingSettings) {
    this.settings = next;
    applyReading(next);
    for (const input of this.dialog.querySelectorAll<HTMLInputElement>('input[type=radio]')) {
      const key = input.name.replace('reading-', '') as keyof ReadingSettings;
      input.checked = next[key] === input.value;
    }
    if (saveReading(next)) {
      delete document.documentElement.dataset.readingStorage;
      this.setNote('');
    } else {
      document.documentElement.dataset.readingStorage = 'blocked';
      this.setNote(NOTES.blocked);
    }
  }

  open() {
    if (this.dialog.open) return;
    this.modal.open();
    this.dialog.querySelector<HTMLInputElement>('input:checked')?.focus();
  }
}
