import type { Command } from "commander";
import { ApiClient, type ApiResponse } from "../api-client.js";
import { output, requireDeployment, type CommandContext } from "../context.js";
import { EXIT, usageError } from "../errors.js";
import type { Io } from "../io.js";
import { runCommand } from "../run.js";
import { traceIdFromHeader } from "../trace/span.js";

interface CallFlags {
  json?: boolean;
  verbose?: boolean;
  apiKey?: string;
}

interface MovieFlags extends CallFlags {
  title?: string;
  rating?: string;
  genre?: string[];
  data?: string;
  replace?: boolean;
}

interface ListFlags extends CallFlags {
  limit?: string;
  all?: boolean;
  table?: boolean;
}

/** The fields a PUT accepts: the API's schema is strict, so id, timestamps and the rest of a GET are left out. */
const MOVIE_FIELDS = ["title", "rating", "genres"] as const;

/** The current movie with the given fields changed: PUT replaces the whole movie, so a partial update starts from what is stored. */
export function mergeMovie(current: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const f of MOVIE_FIELDS) if (current[f] !== undefined) merged[f] = current[f];
  return { ...merged, ...changes };
}

function client(ctx: CommandContext, flags: CallFlags): ApiClient {
  const rec = requireDeployment(ctx.settings);
  const hint =
    rec.target === "local"
      ? "the embedded cloud is not running: start it with `movies up`, then `movies deploy` (or `npm start`)"
      : `check the deployment with \`movies status\`, or deploy again with \`movies deploy --target ${rec.target}\``;
  return new ApiClient(output(rec, "api_url"), flags.apiKey ?? rec.outputs.api_key, hint);
}

/** The body for create/update from --data or from --title/--rating/--genre. */
export function movieBody(flags: MovieFlags): Record<string, unknown> {
  if (flags.data !== undefined) {
    if (flags.title !== undefined || flags.rating !== undefined || flags.genre?.length) {
      throw usageError("give either --data or --title/--rating/--genre, not both");
    }
    try {
      return JSON.parse(flags.data) as Record<string, unknown>;
    } catch (e) {
      throw usageError(`--data is not valid JSON: ${(e as Error).message}`, `example: --data '{"title":"Heat","rating":8.3,"genres":["Crime"]}'`);
    }
  }
  const body: Record<string, unknown> = {};
  if (flags.title !== undefined) body.title = flags.title;
  if (flags.rating !== undefined) {
    const n = Number(flags.rating);
    // a non-number is passed through as text so the API's own validation explains it
    body.rating = Number.isFinite(n) && flags.rating.trim() !== "" ? n : flags.rating;
  }
  if (flags.genre?.length) body.genres = flags.genre;
  if (Object.keys(body).length === 0) throw usageError("nothing to send", "give --title, --rating and --genre (repeatable), or --data '<json>'");
  return body;
}

/** Movies as an aligned table: id, rating, title, genres. */
export function movieTable(items: Record<string, unknown>[]): string[] {
  const rows = items.map((m) => [String(m.id ?? ""), m.rating === undefined ? "" : String(m.rating), String(m.title ?? ""), Array.isArray(m.genres) ? m.genres.join(", ") : ""]);
  const head = ["ID", "RATING", "TITLE", "GENRES"];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]!))).join("  ").trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

function showTable(io: Io, res: ApiResponse, flags: CallFlags): number {
  if (res.status !== 200 || typeof res.body !== "object" || res.body === null) return show(io, res, flags);
  const page = res.body as { items?: Record<string, unknown>[]; nextToken?: string };
  const items = page.items ?? [];
  for (const line of movieTable(items)) io.line(line);
  io.info(io.paint("gray", `${items.length} ${items.length === 1 ? "movie" : "movies"}${page.nextToken ? " (more: --all, or --json for the nextToken)" : ""}`));
  return EXIT.ok;
}

/**
 * The trace id of the request, from the `X-Amzn-Trace-Id: Root=1-...` header
 * API Gateway answers with when tracing is on (the embedded cloud always sends
 * it), and the command that opens it. On stderr under --json, so the body stays clean.
 */
export function showTraceId(io: Io, res: ApiResponse, flags: CallFlags): void {
  if (!flags.verbose) return;
  const say = (text: string) => (flags.json ? io.info(text) : io.line(text));
  const traceId = traceIdFromHeader(res.headers["x-amzn-trace-id"]);
  if (!traceId) {
    say(io.paint("gray", "trace: none (the response carries no X-Amzn-Trace-Id: tracing is off for this API)"));
    return;
  }
  say(`${io.paint("bold", "trace")} ${traceId}  ${io.paint("gray", `open it: movies trace ${traceId}`)}`);
}

function show(io: Io, res: ApiResponse, flags: CallFlags): number {
  if (flags.json) {
    showTraceId(io, res, flags);
    if (res.body !== undefined) io.data(res.body);
  } else {
    const ok = res.status < 400;
    const retried = res.retries ? `, after ${res.retries} throttled ${res.retries === 1 ? "try" : "tries"}` : "";
    io.line(`${io.paint(ok ? "green" : "red", String(res.status))}${flags.verbose ? io.paint("gray", `  ${res.ms.toFixed(1)} ms${retried}`) : ""}`);
    showTraceId(io, res, flags);
    if (flags.verbose) for (const [k, v] of Object.entries(res.headers)) io.line(io.paint("gray", `${k}: ${v}`));
    if (res.body !== undefined) io.line(typeof res.body === "string" ? res.body : JSON.stringify(res.body, null, 2));
  }
  return res.status < 400 ? EXIT.ok : EXIT.refused;
}

function addCallFlags(cmd: Command): Command {
  return cmd
    .option("--json", "print the response body alone, as JSON")
    .option("--verbose", "show response headers and latency")
    .option("--api-key <key>", "API key for writes (default: the deployed key)");
}

function addMovieFlags(cmd: Command): Command {
  return addCallFlags(cmd)
    .option("--title <title>", "movie title")
    .option("--rating <n>", "rating from 0 to 10")
    .option("--genre <genre>", "genre (repeat for several)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--data <json>", "the whole body as JSON");
}

export function registerCall(program: Command): void {
  const call = program.command("call").description("call the deployed movies API");

  addCallFlags(call.command("get").argument("<id>", "movie id").description("GET /movies/{id}")).action((id: string, flags: CallFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => show(ctx.io, await client(ctx, flags).request("GET", `/movies/${encodeURIComponent(id)}`), flags)),
  );

  addCallFlags(
    call
      .command("list")
      .description("GET /movies: a table on a terminal, JSON when piped or with --json")
      .option("--limit <n>", "page size, 1-100")
      .option("--all", "follow nextToken through every page")
      .option("--table", "a table even when piped"),
  ).action((flags: ListFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => {
      if (flags.json && flags.table) throw usageError("give --json or --table, not both");
      // scripts read JSON: a table only for a person at a terminal, or when asked for
      const asTable = !flags.verbose && (flags.table || (!flags.json && ctx.io.interactive));
      const out = (res: ApiResponse) => (asTable ? showTable(ctx.io, res, flags) : show(ctx.io, res, { ...flags, json: flags.json || !flags.verbose }));
      const api = client(ctx, flags);
      if (!flags.all) return out(await api.request("GET", "/movies", undefined, { limit: flags.limit }));
      const items: unknown[] = [];
      let nextToken: string | undefined;
      let last: ApiResponse;
      do {
        last = await api.request("GET", "/movies", undefined, { limit: flags.limit, nextToken });
        if (last.status !== 200) return show(ctx.io, last, flags);
        const page = last.body as { items: unknown[]; nextToken?: string };
        items.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken);
      return out({ ...last, body: { items } });
    }),
  );

  addMovieFlags(call.command("create").description("POST /movies")).action((flags: MovieFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => {
      const body = movieBody(flags);
      return show(ctx.io, await client(ctx, flags).request("POST", "/movies", body), flags);
    }),
  );

  addMovieFlags(
    call
      .command("update")
      .argument("<id>", "movie id")
      .description("PUT /movies/{id}. PUT replaces the whole movie; the CLI reads the current one and sends it with your changes, so --rating alone keeps title and genres")
      .option("--replace", "send only what you give (title, rating and genres all required), without reading the movie first"),
  ).action((id: string, flags: MovieFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => {
      const changes = movieBody(flags);
      const api = client(ctx, flags);
      const path = `/movies/${encodeURIComponent(id)}`;
      let body = changes;
      if (!flags.replace) {
        const current = await api.request("GET", path);
        // a missing movie is the API's 404, shown as the API said it: PUT never creates
        if (current.status !== 200) return show(ctx.io, current, flags);
        body = mergeMovie(current.body as Record<string, unknown>, changes);
      }
      return show(ctx.io, await api.request("PUT", path, body), flags);
    }),
  );

  addCallFlags(call.command("delete").argument("<id>", "movie id").description("DELETE /movies/{id}")).action((id: string, flags: CallFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => {
      const res = await client(ctx, flags).request("DELETE", `/movies/${encodeURIComponent(id)}`);
      if (res.status === 204 && !flags.json) {
        ctx.io.line(`${ctx.io.paint("green", "204")} deleted movie ${id}`);
        showTraceId(ctx.io, res, flags);
        return EXIT.ok;
      }
      if (res.status === 204 && flags.json) {
        showTraceId(ctx.io, res, flags);
        ctx.io.data({ deleted: id }, true);
        return EXIT.ok;
      }
      return show(ctx.io, res, flags);
    }),
  );
}
