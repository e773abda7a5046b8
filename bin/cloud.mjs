#!/usr/bin/env node
// `npm run cloud`: the embedded cloud in the foreground, from a cached esbuild
// bundle in dist/cloud/ (see bundle-cache.mjs). The Lambda bootstrap is a plain
// file every execution environment process runs, so it is copied beside the bundle.
import { importBundled } from "./bundle-cache.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
await importBundled("cloud", "emulator/main.ts", ["emulator/lambda/runtime/bootstrap.mjs"]);
