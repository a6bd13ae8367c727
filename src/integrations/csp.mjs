/**
 * The Content-Security-Policy on every server the book runs on (src/lib/csp.mjs computes it):
 *  - `astro dev`: a Vite middleware hashes each HTML response's own inline scripts; every other
 *    response gets the policy without hashes; the dev policy also allows Vite's HMR websocket.
 *  - `astro build`: dist/_headers gets, in place of public/_headers' base policy line, the policy
 *    with the union of every built page's inline-script hashes (a static host cannot vary it per page).
 *  - `astro preview`: serves that same union policy on every response, as such a host would.
 * Not Astro's own `security.csp`: it emits a <meta> tag (no frame-ancestors, nothing on workers),
 * is off in dev, and hashes inline styles, which would disable the 'unsafe-inline' KaTeX needs.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy, inlineScripts, scriptHashes, securityCompanions, securityHeaders } from '../lib/csp.mjs';

/** The line public/_headers carries, replaced in dist/_headers by the built pages' policy. */
const POLICY_LINE = /^(\s*)Content-Security-Policy:.*$/m;

/** @param {string} dir @returns {string[]} every .html file under dir */
function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

/** The policy for a whole built site: every page's inline-script hashes together. */
export function sitePolicy(/** @type {string} */ dir) {
  const scripts = htmlFiles(dir).flatMap((f) => inlineScripts(readFileSync(f, 'utf8')));
  return contentSecurityPolicy({ hashes: scriptHashes(scripts) });
}

/**
 * A connect middleware for Vite's dev server. Page navigations (Accept: text/html) are held until
 * they end so their header can hash the body's scripts; other responses pass straight through
 * (wasm streams untouched) with the hash-free policy.
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
export function devPolicyMiddleware() {
  return (req, res, next) => {
    for (const [k, v] of Object.entries(securityHeaders(null, { dev: true }))) res.setHeader(k, v);
    if (!/text\/html/.test(req.headers.accept ?? '')) return next();
    /** @type {Buffer[]} */
    const chunks = [];
    const { write, end, writeHead } = res;
    /** @type {any[] | null} */
    let head = null;
    const add = (/** @type {any} */ chunk, /** @type {any} */ enc) => {
      if (chunk != null && typeof chunk !== 'function') chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof enc === 'string' ? enc : 'utf8'));
    };
    // @ts-expect-error held until end
    res.writeHead = (...args) => ((head = args), res);
    // @ts-expect-error held until end
    res.write = (chunk, enc, cb) => (add(chunk, enc), (typeof enc === 'function' ? enc : cb)?.(), true);
    // @ts-expect-error held until end
    res.end = (chunk, enc, cb) => {
      add(chunk, enc);
      Object.assign(res, { write, end, writeHead });
      const body = Buffer.concat(chunks);
      const headType = head?.find((a) => a && typeof a === 'object')?.['content-type'] ?? head?.find((a) => a && typeof a === 'object')?.['Content-Type'];
      if (/text\/html/.test(String(res.getHeader('content-type') ?? headType ?? ''))) {
        res.setHeader('Content-Security-Policy', securityHeaders(body.toString('utf8'), { dev: true })['Content-Security-Policy']);
        if (res.getHeader('content-length') != null) res.setHeader('content-length', body.length);
      }
      if (head) writeHead.apply(res, /** @type {any} */ (head));
      return end.call(res, body, typeof enc === 'function' ? enc : typeof chunk === 'function' ? chunk : cb);
    };
    next();
  };
}

/** @returns {import('astro').AstroIntegration} */
export default function contentSecurityPolicyIntegration() {
  return {
    name: 'learning-dynamics:csp',
    hooks: {
      'astro:config:setup': ({ command, config, updateConfig }) => {
        // Vite would inline KaTeX's smallest font as a data: URL; font-src allows only 'self'
        updateConfig({ vite: { build: { assetsInlineLimit: (/** @type {string} */ file) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined) } } });
        if (command === 'dev') {
          // configureServer's own `use` runs before Astro's page middleware, so every response passes it
          updateConfig({ vite: { plugins: [{ name: 'learning-dynamics:csp-dev', apply: 'serve', configureServer: (server) => void server.middlewares.use(devPolicyMiddleware()) }] } });
        }
        if (command === 'preview') {
          // astro preview drops Vite plugins but sends server.headers on every response
          const dir = fileURLToPath(config.outDir);
          if (existsSync(dir)) updateConfig({ server: { headers: { 'Content-Security-Policy': sitePolicy(dir), ...securityCompanions } } });
        }
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        const file = join(out, '_headers');
        const text = await readFile(file, 'utf8').catch(() => '');
        if (!POLICY_LINE.test(text)) throw new Error(`${file} has no Content-Security-Policy line to fill in (public/_headers must declare one)`);
        const policy = sitePolicy(out);
        await writeFile(file, text.replace(POLICY_LINE, (_, indent) => `${indent}Content-Security-Policy: ${policy}`));
        const hashes = policy.match(/'sha256-/g)?.length ?? 0;
        logger.info(`_headers: Content-Security-Policy with ${hashes} inline-script hash${hashes === 1 ? '' : 'es'} from ${(await readdir(out, { recursive: true })).filter((f) => f.endsWith('.html')).length} pages`);
      },
    },
  };
}
