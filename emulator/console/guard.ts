import { randomBytes, timingSafeEqual } from "node:crypto";
import type { RouteInfo } from "../core/service.js";
import { ConsoleError } from "./http.js";

/** The header the console's page sends with every action; a cross-site form or `<img>` cannot set it. */
export const TOKEN_HEADER = "x-movies-console-token";

/**
 * The console's own checks, after the front door's. The front door lets every
 * loopback origin through (local web apps call the cloud); the console is
 * stricter: only pages of its own origin may read it, and only its own page,
 * which holds the token issued into it, may change state.
 */
export class ConsoleGuard {
  /** one per cloud process: issued into the page the console serves */
  readonly token = randomBytes(24).toString("base64url");

  /** Reads: refused when a browser says the request comes from a page of another origin. */
  checkRead(route: RouteInfo): void {
    const foreign = this.foreignOrigin(route);
    if (foreign) throw new ConsoleError(403, foreign);
  }

  /** Actions: same origin, and the token. */
  checkAction(route: RouteInfo): void {
    this.checkRead(route);
    const got = route.headers[TOKEN_HEADER];
    const sent = Buffer.from(typeof got === "string" ? got : "");
    const want = Buffer.from(this.token);
    if (sent.length !== want.length || !timingSafeEqual(sent, want)) {
      throw new ConsoleError(403, `actions need the console's token in the ${TOKEN_HEADER} header: use the console page at /_movies/console`);
    }
  }

  private foreignOrigin(route: RouteInfo): string | undefined {
    const site = route.headers["sec-fetch-site"];
    if (site === "cross-site" || site === "same-site") return `the console answers only its own pages (Sec-Fetch-Site: ${site})`;
    const origin = route.headers.origin;
    if (origin === undefined) return undefined;
    const host = route.headers.host;
    let own = false;
    try {
      own = typeof host === "string" && new URL(origin).host.toLowerCase() === host.toLowerCase();
    } catch {
      own = false;
    }
    return own ? undefined : `the console answers only its own pages, not Origin '${origin}'`;
  }
}
