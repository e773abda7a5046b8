import type { Command } from "commander";
import { ApiClient, type ApiResponse } from "../api-client.js";
import { output, requireDeployment, type CommandContext } from "../context.js";
import { EXIT, usageError } from "../errors.js";
import type { Io } from "../io.js";
import { runCommand } from "../run.js";

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

function show(io: Io, res: ApiResponse, flags: CallFlags): number {
  if (flags.json) {
    if (res.body !== undefined) io.data(res.body);
  } else {
    const ok = res.status < 400;
    const retried = res.retries ? `, after ${res.retries} throttled ${res.retries === 1 ? "try" : "tries"}` : "";
    io.line(`${io.paint(ok ? "green" : "red", String(res.status))}${flags.verbose ? io.paint("gray", `  ${res.ms.toFixed(1)} ms${retried}`) : ""}`);
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
      .description("GET /movies")
      .option("--limit <n>", "page size, 1-100")
      .option("--all", "follow nextToken through every page"),
  ).action((flags: CallFlags & { limit?: string; all?: boolean }, cmd: Command) =>
    runCommand(cmd, async (ctx) => {
      const api = client(ctx, flags);
      if (!flags.all) return show(ctx.io, await api.request("GET", "/movies", undefined, { limit: flags.limit }), flags);
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
      return show(ctx.io, { ...last, body: { items } }, flags);
    }),
  );

  addMovieFlags(call.command("create").description("POST /movies")).action((flags: MovieFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => {
      const body = movieBody(flags);
      return show(ctx.io, await client(ctx, flags).request("POST", "/movies", body), flags);
    }),
  );

  addMovieFlags(call.command("update").argument("<id>", "movie id").description("PUT /movies/{id}")).action((id: string, flags: MovieFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => {
      const body = movieBody(flags);
      return show(ctx.io, await client(ctx, flags).request("PUT", `/movies/${encodeURIComponent(id)}`, body), flags);
    }),
  );

  addCallFlags(call.command("delete").argument("<id>", "movie id").description("DELETE /movies/{id}")).action((id: string, flags: CallFlags, cmd: Command) =>
    runCommand(cmd, async (ctx) => show(ctx.io, await client(ctx, flags).request("DELETE", `/movies/${encodeURIComponent(id)}`), flags)),
  );
}
