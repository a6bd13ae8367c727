/**
 * A native modal <dialog> as every reader tool uses it (search, reading settings, cite this):
 * focus returns to whatever opened it, and a click on the backdrop closes it, as Escape does.
 */
export function modal(dialog: HTMLDialogElement): { open(from?: HTMLElement | null): void } {
  let opener: HTMLElement | null = null;
  dialog.addEventListener('close', () => {
    opener?.focus();
    opener = null;
  });
  dialog.addEventListener('click', (ev) => {
    if (ev.target !== dialog) return;
    // the dialog's own element also receives clicks on its padding: only outside its box is the backdrop
    const r = dialog.getBoundingClientRect();
    if (ev.clientX < r.left || ev.clientX > r.right || ev.clientY < r.top || ev.clientY > r.bottom) dialog.close();
  });
  return {
    open(from) {
      opener = from ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
      dialog.showModal();
    },
  };
}
