import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const PROCESS_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Read configuration through @accountlink/config, never process.env.',
};

// Only libs/db and the repositories/ folders touch the database: services call repositories.
const REPOSITORY_ONLY =
  'Queries belong in a repository (src/repositories/*.repository.ts) or libs/db.';
const QUERIES = [
  {
    selector:
      'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto|executeQuery)$/]',
    message: REPOSITORY_ONLY,
  },
  { selector: "TaggedTemplateExpression[tag.name='sql']", message: REPOSITORY_ONLY },
  {
    selector:
      "CallExpression[callee.property.name='query'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
    message: REPOSITORY_ONLY,
  },
  {
    selector: 'MemberExpression[property.name=/^\\$(queryRaw|executeRaw)(Unsafe)?$/]',
    message: REPOSITORY_ONLY,
  },
];
const QUERY_IMPORTS = {
  paths: [
    { name: 'kysely', message: REPOSITORY_ONLY, allowTypeImports: true },
    { name: 'pg', message: REPOSITORY_ONLY, allowTypeImports: true },
    {
      name: '@prisma/client',
      message: 'Prisma Client is not used at run time: Kysely through libs/db is.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/generated/**',
      '.data/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'no-restricted-syntax': ['error', PROCESS_ENV, ...QUERIES],
      'no-restricted-imports': ['error', QUERY_IMPORTS],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util', 'type:app', 'type:client'],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'],
            },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // The portal (a browser app) uses the public API only: no library of the backend.
            { sourceTag: 'type:web', onlyDependOnLibsWithTags: [] },
            // So does the load tester: it drives the product from outside, as users' tools do.
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: [] },
          ],
        },
      ],
    },
  },
  {
    // The query layer itself, and the repositories on it.
    files: ['libs/db/src/**/*.ts', 'libs/*/src/repositories/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', PROCESS_ENV], 'no-restricted-imports': 'off' },
  },
  {
    // Tests read the database through the owner connection to check what was (not) written.
    files: [
      'libs/config/**/*.ts',
      'prisma/prisma.config.ts',
      // The load tester's command line reads OPERATOR_TOKEN (it is a client, not the product).
      'apps/loadtest/src/main.ts',
      '**/*.spec.ts',
      'apps/api-e2e/**/*.ts',
    ],
    rules: { 'no-restricted-syntax': 'off', 'no-restricted-imports': 'off' },
  },
);
