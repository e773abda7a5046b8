// Types for bundle-cloud.mjs (a plain script, so the Docker build stage needs no TypeScript).
export declare const CLOUD_ENTRY: string;
export declare const CLOUD_ASSETS: string[];
export declare const CLOUD_EXTERNAL: string[];
export declare function bundleCloud(outDir?: string): Promise<{ outDir: string; sources: string[]; packages: string[] }>;
