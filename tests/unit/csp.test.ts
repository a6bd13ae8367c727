/** The Content-Security-Policy builder (src/lib/csp.mjs): which scripts get hashes, and what each policy allows. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScripts, scriptHashes, securityHeaders } from '../../src/lib/csp.mjs';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('content security policy', () => {
  const html = `<head><script>a()</script><script type="module" src="/x.js"></script>
    <script type="module">b()</script><script type="application/ld+json">{"@type":"Book"}</script>
    <SCRIPT type='text/javascript'>c("é")</SCRIPT></head>`;

  it('hashes inline classic and module scripts, not src= scripts or data blocks', () => {
    expect(inlineScripts(html)).toEqual(['a()', 'b()', 'c("é")']);
    expect(scriptHashes(['b()', 'a()', 'a()'])).toEqual([sha('a()'), sha('b()')].sort());
  });

  it("allows its own origin and wasm compilation, never 'unsafe-eval' or unhashed inline script", () => {
    const p = securityHeaders(html)['Content-Security-Policy'];
    expect(p).toMatch(/^default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    for (const s of ['a()', 'b()', 'c("é")']) expect(p).toContain(sha(s));
    expect(p).not.toContain(sha('{"@type":"Book"}'));
    expect(p.replaceAll("'wasm-unsafe-eval'", '')).not.toContain('unsafe-eval');
    expect(p).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self';"]) expect(p).toContain(d);
  });

  it('style-src keeps unsafe-inline working: no style hash, ever', () => {
    expect(contentSecurityPolicy({ hashes: [sha('x')] })).toMatch(/style-src 'self' 'unsafe-inline';/);
  });

  it("only the dev policy reaches Vite's HMR websocket; a non-HTML response has no hashes", () => {
    expect(contentSecurityPolicy()).not.toContain('ws:');
    expect(contentSecurityPolicy({ dev: true })).toContain("connect-src 'self' ws://127.0.0.1:*");
    expect(securityHeaders(null)['Content-Security-Policy']).not.toContain('sha256');
    expect(securityHeaders(null)['X-Content-Type-Options']).toBe('nosniff');
  });
});
