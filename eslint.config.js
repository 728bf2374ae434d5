// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Dependencies point one way: routers → services → ports ← adapters; only main/app know all. */
const layering = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: layering([
      {
        regex: '^(?!zod$|\\./)',
        message: 'shared/ imports zod and itself only: it runs in the browser and in Node.',
      },
    ]),
  },
  {
    files: ['server/services/**/*.ts', 'server/ports/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.contract.ts'],
    rules: layering([
      {
        group: ['mongoose', 'mongodb', '@trpc/*', 'livekit-server-sdk'],
        message: 'Services and ports stay free of drivers and tRPC: go through a port.',
      },
      {
        group: ['**/adapters/**', '**/routers/**', '**/livekit/**', '**/db/**'],
        message: 'Services and ports depend on ports only; main/app wire the adapters.',
      },
    ]),
  },
  {
    files: ['server/routers/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: layering([
      { group: ['mongoose', 'mongodb', 'livekit-server-sdk'], message: 'Routers call services.' },
      {
        group: ['**/adapters/**', '**/db/**', '**/livekit/**'],
        message: 'Routers call services, never adapters.',
      },
    ]),
  },
  {
    // Tests and the ports' contract suites (test code too) may use the SDK to check the real thing;
    // the fakes in adapters/ must not: they mint tokens through server/livekit/.
    files: ['server/**/*.ts'],
    ignores: ['server/livekit/**', '**/*.test.ts', '**/*.contract.ts'],
    rules: layering([
      { group: ['livekit-server-sdk'], message: 'Only server/livekit/ talks to LiveKit.' },
    ]),
  },
  {
    files: ['server/errors.ts'],
    rules: layering([
      {
        group: ['@trpc/*', 'mongoose', 'mongodb', 'livekit-server-sdk'],
        message: 'Domain errors know no transport or driver: server/trpc.ts maps them to tRPC.',
      },
    ]),
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)server/(?!routers/_app\\.ts$)',
              message: 'The client imports shared/ and `import type { AppRouter }` only.',
            },
            {
              group: ['mongoose', 'mongodb', 'livekit-server-sdk', 'node:*'],
              message: 'Server-only package in the browser bundle.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/routers/_app.ts'],
              allowTypeImports: true,
              message: 'Only `import type { AppRouter }` from the server.',
            },
          ],
        },
      ],
    },
  },
  {
    // switchboard/client, which other projects bundle: @trpc/client at run time, the rest as types
    // (client-package/client.int.test.ts also reads the built file).
    files: ['client-package/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@trpc/client$)',
              allowTypeImports: true,
              message:
                'The client entry imports @trpc/client only; anything else as `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    // The rules of hooks and the React Compiler's checks (effects, refs, purity). A missing effect
    // dependency is an error here, not a warning: it is how stale closures get in.
    files: ['client/**/*.tsx', 'client/**/*.ts'],
    ignores: ['client/build/**'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Build tooling that runs in Node while Vite builds the client.
    files: ['client/build/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': 'off' },
  },
);
