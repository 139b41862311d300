// ESLint for the dashboard, as ruff holds the Python side: JavaScript's and typescript-eslint's
// recommended rules, eslint-plugin-vue's recommended rules for Vue 3, and eslint-config-prettier
// last, so that layout is Prettier's alone (`npm run lint`, `npm run format`).
// Not type-aware: its TypeScript program does not read .vue files; vue-tsc type-checks them.
import js from "@eslint/js";
import prettier from "eslint-config-prettier/flat";
import vue from "eslint-plugin-vue";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "src/api/schema.d.ts"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  vue.configs["flat/recommended"],
  {
    rules: {
      // `const { plan: _plan, ...rest } = query` drops a key; TypeScript's noUnusedLocals allows it too.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    files: ["**/*.vue"],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ["src/**"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["scripts/**", "*.config.{js,ts}"],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
