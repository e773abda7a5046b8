#!/usr/bin/env node
// `npm run cloud`: the embedded cloud in the foreground, started from a cached bundle.
import { importBundled } from "./bundle-cache.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
await importBundled("cloud", "emulator/main.ts");
