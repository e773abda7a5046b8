#!/usr/bin/env node
// `npm run cloud`: the embedded cloud in the foreground, from a cached esbuild
// bundle in dist/cloud/ run with V8's code cache (see bundle-cache.mjs). The Lambda
// bootstrap is a plain file every execution environment process runs, so it is
// copied beside the bundle.
import { runBundled } from "./bundle-cache.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// startCloud sets this V8 flag (emulator/core/heap-growth.ts); given here before
// the bundle compiles, so the code cache made after start-up matches the flags
await runBundled("cloud", "emulator/main.ts", ["emulator/lambda/runtime/bootstrap.mjs"], { v8Flags: ["--heap-growing-percent=50"] });
