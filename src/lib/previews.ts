/**
 * Previews: a short card (a glossary definition, a full reference) shown beside a term or a
 * citation on hover, on keyboard focus, and on a first tap on a touch screen (the second tap
 * follows the link). Markup, produced at build time:
 *
 *   <span class="preview-host">
 *     <a href="…" data-preview aria-describedby="pv-1">term</a>
 *     <span class="preview-card" role="tooltip" id="pv-1" hidden>…inline content…</span>
 *   </span>
 *
 * The card is inside the host so it needs no portal, and it stays in the accessibility tree as
 * the trigger's description while hidden. One set of document-level listeners serves every page.
 */
let open: { trigger: HTMLElement; card: HTMLElement } | null = null;
let hideTimer: ReturnType<typeof setTimeout> | undefined;

function cardOf(trigger: HTMLElement): HTMLElement | null {
  const id = trigger.getAttribute('aria-describedby');
  const card = id ? document.getElementById(id) : null;
  return card?.classList.contains('preview-card') ? card : null;
}

/** Keep the card inside the viewport: shift it left when it would overflow on the right. */
function place(card: HTMLElement) {
  card.style.removeProperty('--shift');
  const r = card.getBoundingClientRect();
  const margin = 8;
  const over = r.right - (document.documentElement.clientWidth - margin);
  const under = margin - r.left;
  if (over > 0) card.style.setProperty('--shift', `${-Math.min(over, r.left - margin)}px`);
  else if (under > 0) card.style.setProperty('--shift', `${under}px`);
  card.classList.toggle('above', r.bottom > innerHeight - margin && r.top - r.height > margin);
}

export function showPreview(trigger: HTMLElement) {
  const card = cardOf(trigger);
  if (!card) return;
  clearTimeout(hideTimer);
  if (open && open.card !== card) hidePreview();
  card.hidden = false;
  trigger.setAttribute('aria-expanded', 'true');
  open = { trigger, card };
  place(card);
}

export function hidePreview() {
  clearTimeout(hideTimer);
  if (!open) return;
  open.card.hidden = true;
  open.trigger.removeAttribute('aria-expanded');
  open = null;
}

const triggerFrom = (t: EventTarget | null) => (t instanceof Element ? t.closest<HTMLElement>('[data-preview]') : null);
const inOpen = (t: EventTarget | null) => !!open && t instanceof Node && (open.card.contains(t) || open.trigger.contains(t));

export function initPreviews() {
  let lastPointer = 'mouse';
  // whether the tapped trigger's card was already open when the finger came down: a tap also
  // focuses the link (focusin opens the card) before its click, so `open` alone cannot tell a
  // first tap from a second one
  let openAtPress = false;
  document.addEventListener('pointerdown', (ev) => {
    lastPointer = ev.pointerType;
    openAtPress = !!open && open.trigger === triggerFrom(ev.target);
    if (!inOpen(ev.target)) hidePreview();
  });
  document.addEventListener('pointerover', (ev) => {
    if (ev.pointerType !== 'mouse') return;
    const t = triggerFrom(ev.target);
    if (t) showPreview(t);
    else if (inOpen(ev.target)) clearTimeout(hideTimer);
  });
  document.addEventListener('pointerout', (ev) => {
    if (ev.pointerType !== 'mouse' || !open || inOpen(ev.relatedTarget)) return;
    if (!inOpen(ev.target)) return;
    clearTimeout(hideTimer);
    // a short grace period lets the pointer travel from the term into the card
    hideTimer = setTimeout(hidePreview, 250);
  });
  document.addEventListener('focusin', (ev) => {
    const t = triggerFrom(ev.target);
    if (t) showPreview(t);
    else if (!inOpen(ev.target)) hidePreview();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && open) hidePreview();
  });
  // touch: the first tap shows the card, a second tap on the same trigger follows its link
  document.addEventListener('click', (ev) => {
    const t = triggerFrom(ev.target);
    if (!t || lastPointer !== 'touch') return;
    if (openAtPress && open?.trigger === t) return;
    ev.preventDefault();
    showPreview(t);
  });
  addEventListener('scroll', () => open && lastPointer === 'mouse' && place(open.card), { passive: true });
}
