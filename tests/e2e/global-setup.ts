/**
 * End-to-end setup: find Chromium (fail loudly when it is missing — never skip), check the built
 * site exists, and serve dist/ on a free loopback port with the book's headers.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startServer } from '../../scripts/serve.mjs';
import { chromiumPath } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    chromium: string;
  }
}

export default async function setup(project: TestProject) {
  const exe = chromiumPath();
  if (!existsSync(new URL('../../dist/index.html', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does this for you).');
  }
  const server: Server = await startServer({ port: 0 });
  const { port } = server.address() as AddressInfo;
  project.provide('baseURL', `http://127.0.0.1:${port}`);
  project.provide('chromium', exe);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
