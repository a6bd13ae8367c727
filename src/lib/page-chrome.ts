/** Page-wide behaviour: theme toggle, reading progress, copy-link controls, active TOC entry. */
const THEME_KEY = 'learning-dynamics.theme';

export function toast(text: string, ms = 1800) {
  const el = document.querySelector<HTMLElement>('.toast');
  if (!el) return;
  el.textContent = text;
  el.classList.add('show');
  setTimeout(() => el.classList.remove('show'), ms);
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function currentTheme(): 'light' | 'dark' {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function initPageChrome() {
  document.querySelector('.theme-toggle')?.addEventListener('click', () => {
    const next = currentTheme() === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      /* blocked storage: the theme holds for this page only */
    }
  });

  const bar = document.querySelector<HTMLElement>('.reading-progress');
  const onScroll = () => {
    const max = document.documentElement.scrollHeight - innerHeight;
    if (bar) bar.style.width = `${max > 0 ? (100 * scrollY) / max : 0}%`;
  };
  addEventListener('scroll', onScroll, { passive: true });
  onScroll();

  document.addEventListener('click', async (ev) => {
    const a = (ev.target as HTMLElement).closest<HTMLAnchorElement>('a[data-copy-link]');
    if (!a) return;
    ev.preventDefault();
    const url = new URL(a.getAttribute('href')!, location.href);
    history.replaceState(null, '', url.hash);
    document.getElementById(url.hash.slice(1))?.scrollIntoView();
    toast((await copyText(url.href)) ? 'Link to this section copied' : `Link: ${url.href}`);
  });

  const tocLinks = [...document.querySelectorAll<HTMLAnchorElement>('.toc a[href^="#"]')];
  if (tocLinks.length && 'IntersectionObserver' in window) {
    const obs = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          for (const l of tocLinks) l.classList.toggle('active', l.hash === `#${e.target.id}`);
        }
      },
      { rootMargin: '0px 0px -70% 0px' },
    );
    for (const l of tocLinks) {
      const h = document.getElementById(l.hash.slice(1));
      if (h) obs.observe(h);
    }
  }
}
