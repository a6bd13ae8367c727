/**
 * A figure's export: its data (settings, metrics and everything the view draws) as JSON or as a
 * tidy CSV, and its charts as one SVG or PNG with the page's colours written in.
 */
export interface FigureExport {
  widget: string;
  title: string;
  figure: string;
  config: Record<string, unknown>;
  metrics: Record<string, number>;
  data: Record<string, unknown>;
}

/** Typed arrays become plain arrays and non-finite numbers null, so JSON keeps every value it can. */
export function plain(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => plain(x));
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

export function toJSON(e: FigureExport): string {
  return JSON.stringify(plain(e), null, 2);
}

/** One row per value: part (setting / metric / data), the value's path, its index, the value. */
export function toCSV(e: FigureExport): string {
  const rows: string[][] = [['part', 'name', 'index', 'value']];
  const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (const [k, v] of Object.entries(e.config)) rows.push(['setting', k, '', String(v)]);
  for (const [k, v] of Object.entries(e.metrics)) rows.push(['metric', k, '', Number.isFinite(v) ? String(v) : '']);
  const walk = (path: string, v: unknown, index: string) => {
    if (v === null || v === undefined) return;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') {
      rows.push(['data', path, index, typeof v === 'number' && !Number.isFinite(v) ? '' : String(v)]);
    } else if (ArrayBuffer.isView(v) || Array.isArray(v)) {
      Array.from(v as ArrayLike<unknown>).forEach((x, i) => walk(path, x, index ? `${index}.${i}` : String(i)));
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(path ? `${path}.${k}` : k, x, index);
    }
  };
  walk('', e.data, '');
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

const STYLE_PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'fill-opacity', 'font-size', 'font-family', 'font-weight'];

/** The figure's charts stacked into one standalone SVG, with computed colours (no CSS variables). */
export function chartsSVG(root: HTMLElement, title: string): string {
  const charts = [...root.querySelectorAll<SVGSVGElement>('.widget-body .chart > svg')];
  const width = Math.max(1, ...charts.map((s) => s.width.baseVal.value));
  let y = 24;
  const parts: string[] = [];
  for (const svg of charts) {
    const clone = svg.cloneNode(true) as SVGSVGElement;
    const src = [svg, ...svg.querySelectorAll('*')];
    const dst = [clone, ...clone.querySelectorAll('*')];
    src.forEach((el, i) => {
      const cs = getComputedStyle(el);
      const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
      const d = dst[i] as Element;
      d.setAttribute('style', style);
      // the computed style now carries the colours; attributes naming page variables would not resolve
      for (const a of [...d.attributes]) if (a.value.includes('var(--') || a.name === 'class') d.removeAttribute(a.name);
    });
    clone.setAttribute('x', '0');
    clone.setAttribute('y', String(y));
    parts.push(clone.outerHTML.replace(/<!--[^]*?-->/g, ''));
    y += svg.height.baseVal.value + 12;
  }
  const bg = getComputedStyle(root).backgroundColor || '#fff';
  const fg = getComputedStyle(root).color || '#000';
  const esc = title.replace(/[<&>]/g, (c) => ({ '<': '&lt;', '&': '&amp;', '>': '&gt;' })[c]!);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}"><rect width="100%" height="100%" fill="${bg}"/><text x="4" y="16" style="font: 600 14px sans-serif; fill: ${fg}">${esc}</text>${parts.join('')}</svg>`;
}

export async function svgToPNG(svg: string, scale = 2): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width * scale;
    canvas.height = img.height * scale;
    const g = canvas.getContext('2d')!;
    g.scale(scale, scale);
    g.drawImage(img, 0, 0);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode a PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(name: string, body: Blob | string, type = 'text/plain') {
  const blob = typeof body === 'string' ? new Blob([body], { type }) : body;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
