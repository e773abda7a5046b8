import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", "dist/**", "cdktf.out/**", ".movies/**"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // it imports its schema JSON without import attributes, which Node 20 refuses; vite inlines it
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
