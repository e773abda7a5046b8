declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** LevelDB folder; in memory when absent */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
  }

  /** An http.Server (not yet listening) whose request listener is dynalite's handler; close() also closes the store. */
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
