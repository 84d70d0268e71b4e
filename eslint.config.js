// ESLint flat config. Enforces the layers of DESIGN.md with no-restricted-imports:
// model imports nothing of ours; engine only model; storage only model; worker engine/model/storage;
// state, queries and ui never reach into engine internals (they talk to the worker client).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const layer = (files, forbidden, message) => ({
  files,
  ignores: ['**/*.test.ts', '**/*.test.tsx'],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message })) },
    ],
  },
});

const UI_LIBS = ['react', 'react-dom', 'react-dom/*', '@xyflow/*', 'zustand', 'zustand/*', '@tanstack/*', 'comlink', 'idb', 'uplot'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'public/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'Untrusted input is never executed.' },
        { selector: "NewExpression[callee.name='Function']", message: 'Untrusted input is never executed.' },
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render user data as text.' },
      ],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  layer(['src/model/**'], ['../engine/*', '../worker/*', '../storage/*', '../state/*', '../queries/*', '../ui/*', '../cli/*', '**/engine/**', '**/worker/**', '**/storage/**', '**/state/**', '**/ui/**', ...UI_LIBS], 'model imports nothing of ours (DESIGN.md, Layers).'),
  layer(['src/engine/**'], ['**/worker/**', '**/storage/**', '**/state/**', '**/queries/**', '**/ui/**', '**/cli/**', ...UI_LIBS], 'engine imports only model (DESIGN.md, Layers).'),
  layer(['src/storage/**'], ['**/engine/**', '**/worker/**', '**/state/**', '**/queries/**', '**/ui/**', '**/cli/**', 'react', 'react-dom', '@xyflow/*', 'zustand', '@tanstack/*', 'comlink'], 'storage imports only model (DESIGN.md, Layers).'),
  layer(['src/worker/**'], ['**/state/**', '**/queries/**', '**/ui/**', '**/cli/**', 'react', 'react-dom', '@xyflow/*', 'zustand', '@tanstack/*'], 'worker imports engine, model and storage only (DESIGN.md, Layers).'),
  layer(['src/state/**', 'src/queries/**', 'src/ui/**'], ['**/engine/**', '**/cli/**'], 'the UI talks to the engine through the worker client only (DESIGN.md, Layers).'),
);
