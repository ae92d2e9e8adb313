// ESLint for the field app's JavaScript (flat config; `make lint` runs it). The app has no build
// step: classic scripts sharing one namespace (self.LangSoField), run by the phone's browser.
"use strict";

const js = require("@eslint/js");

const browser = Object.fromEntries(
  [
    "self", "window", "document", "navigator", "location", "history", "console", "crypto", "indexedDB",
    "caches", "fetch", "Response", "URL", "Node", "FormData", "FileReader", "TextEncoder", "TextDecoder",
    "atob", "btoa", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "confirm",
    "createImageBitmap",
  ].map((name) => [name, "readonly"])
);

module.exports = [
  { ignores: [".venv/**", "node_modules/**", "staticfiles/**", "var/**", "test-artifacts/**", "eslint.config.js"] },
  {
    files: ["src/langso/field/static/field/**/*.js"],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: browser },
    rules: {
      ...js.configs.recommended.rules,
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      "no-implicit-globals": "error",
      strict: ["error", "global"],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-script-url": "error",
    },
  },
];
