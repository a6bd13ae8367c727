/** Response headers the book needs on every page (dev, preview, scripts/serve.mjs, public/_headers). */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
