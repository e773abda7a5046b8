import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { APP_CSS, APP_JS } from "./ui-bundle.js";
import type { SesModel } from "../ses/model.js";
import { TOKEN_HEADER } from "./guard.js";
import { ConsoleError } from "./http.js";

export const BASE = "/_movies/console";

const etag = (text: string) => `"${createHash("sha256").update(text).digest("base64url").slice(0, 22)}"`;
const ASSETS: Record<string, { type: string; body: string; etag: string }> = {
  "app.js": { type: "text/javascript; charset=utf-8", body: APP_JS, etag: etag(APP_JS) },
  "app.css": { type: "text/css; charset=utf-8", body: APP_CSS, etag: etag(APP_CSS) },
};

/**
 * Headers on everything the console serves: no framing by other sites
 * (clickjacking an action button), scripts and styles from itself only.
 */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The one HTML page: every view's URL answers with it, and the script routes by path. */
export function sendPage(res: ServerResponse, token: string): void {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="movies-console-token" content="${token}" data-header="${TOKEN_HEADER}">
<title>movies console</title>
<link rel="stylesheet" href="${BASE}/assets/app.css">
</head>
<body>
<div id="app"><noscript>The movies console needs JavaScript.</noscript></div>
<script src="${BASE}/assets/app.js"></script>
</body>
</html>
`;
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html), "cache-control": "no-store", ...SECURITY_HEADERS });
  res.end(html);
}

/** Built assets, from memory; false when there is no such asset. */
export function sendAsset(res: ServerResponse, name: string, ifNoneMatch: string | undefined): boolean {
  const a = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!a) return false;
  if (ifNoneMatch === a.etag) {
    res.writeHead(304, { etag: a.etag, ...SECURITY_HEADERS });
    res.end();
    return true;
  }
  res.writeHead(200, { "content-type": a.type, "content-length": Buffer.byteLength(a.body), etag: a.etag, "cache-control": "no-cache", ...SECURITY_HEADERS });
  res.end(a.body);
  return true;
}

/**
 * An email's HTML part as its own document, for a sandboxed frame in the
 * mailbox: its inline styles apply as in a mail client, while scripts, forms
 * and every network fetch are refused, and only the console may frame it.
 */
export function sendEmailHtml(res: ServerResponse, ses: SesModel, id: string): void {
  const m = ses.messages({ id })[0];
  if (!m) throw new ConsoleError(404, `no email ${id} in the mailbox`);
  const html = m.Body?.html_part ?? "";
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  res.end(html);
}
