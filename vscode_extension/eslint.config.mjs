// ESLint flat config: the recommended rules plus typescript-eslint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { ignores: ["out/**", "node_modules/**"] },
);
