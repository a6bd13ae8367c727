/** The web app manifest names icons that exist, at the sizes it declares, and the layout links it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const PUBLIC = new URL('../../public/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.webmanifest', PUBLIC), 'utf8'));

describe('web app manifest', () => {
  it('is installable: name, start URL, standalone display, a 192 and a 512 px PNG icon', () => {
    expect(manifest.name).toBe('Learning Dynamics');
    expect(manifest.start_url).toBe('/');
    expect(manifest.display).toBe('standalone');
    const pngs = manifest.icons.filter((i: { type: string }) => i.type === 'image/png').map((i: { sizes: string }) => i.sizes);
    expect(pngs.sort()).toEqual(['192x192', '512x512']);
  });

  it('each icon file exists, and each PNG is as large as declared', () => {
    for (const icon of manifest.icons as { src: string; sizes: string; type: string }[]) {
      const bytes = readFileSync(new URL(icon.src.slice(1), PUBLIC));
      if (icon.type !== 'image/png') continue;
      expect(bytes.subarray(1, 4).toString('latin1'), icon.src).toBe('PNG');
      expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
      expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
    }
  });

  it('the layout links it, with theme colours that are the page background of each scheme', () => {
    const layout = readFileSync(new URL('../../src/layouts/Base.astro', import.meta.url), 'utf8');
    const css = readFileSync(new URL('../../src/styles/global.css', import.meta.url), 'utf8');
    expect(layout).toMatch(/<link rel="manifest" href=\{`\$\{base\}manifest\.webmanifest`\}/);
    const bg = [...css.matchAll(/--bg: (#[0-9a-f]{6})/g)].map((m) => m[1]);
    for (const colour of [manifest.theme_color, manifest.background_color]) expect(bg).toContain(colour);
    for (const m of layout.matchAll(/name="theme-color" content="(#[0-9a-f]{6})"/g)) expect(bg).toContain(m[1]);
  });
});
