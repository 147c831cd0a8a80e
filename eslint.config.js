// Type-aware typescript-eslint (strict), in the spirit of Medplum's config: see docs/decisions/0001-toolchain.md
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'bench/results.json',
      'e2e/screenshots/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      curly: ['error', 'all'],
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.int.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['packages/cli/src/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The confirmation's hot path (issue 6): on Node 20 an object literal that starts with a spread and then adds
    // properties costs ≈ 0.4 µs per added property, and tsx names every named closure as it is created (decision
    // 0176). Write such objects field by field (or put the spread last) and such helpers at module level.
    files: [
      'packages/server/src/commands/oqs/{confirmByNumber,confirmByCard,record,result,lookup,cardState,challenge,proofOfCheck}.ts',
      'packages/server/src/routes/oqs/{confirm,present}.ts',
      'packages/server/src/authority/{verify,signatureBatches}.ts',
      'packages/server/src/store/sql/{memberReadModel,cardReadModel}.ts',
      'packages/server/src/store/sqlite/{checkJournal,readModelReader}.ts',
      'packages/server/src/audit/auditLog.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement:first-child ~ *',
          message:
            'An object literal that starts with a spread and adds properties is slow on Node 20 (decision 0176): list the fields, or put the spread last.',
        },
        {
          selector:
            ':function :matches(VariableDeclarator, Property[method=false]) > :matches(ArrowFunctionExpression, FunctionExpression), :function FunctionDeclaration',
          message:
            'tsx (keepNames) wraps a named closure in __name each time it is created (decision 0176): make it a module-level function.',
        },
      ],
    },
  },
);
