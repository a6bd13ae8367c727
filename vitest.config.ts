import { defineConfig } from 'vitest/config';

export default defineConfig({
  // src/runtime/ort.ts loads 'onnxruntime-web/wasm' for WASM-only pages; Node has one build for both.
  resolve: { alias: [{ find: /^onnxruntime-web\/wasm$/, replacement: 'onnxruntime-web' }] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          globalSetup: ['tests/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
