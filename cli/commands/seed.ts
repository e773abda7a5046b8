import type { Command } from "commander";
import { requireDeployment } from "../context.js";
import { EXIT, usageError } from "../errors.js";
import { runCommand } from "../run.js";

interface SeedFlags {
  file?: string;
  generate?: string;
  strict?: boolean;
  json?: boolean;
}

export function registerSeed(program: Command): void {
  program
    .command("seed")
    .description("write movies straight to the table (default: the tutorial's four, IDs 1-4)")
    .option("--file <path>", "movies from a .json or .csv file")
    .option("--generate <n>", "N generated movies")
    .option("--strict", "exit non-zero when any row is rejected")
    .option("--json", "print the result as JSON")
    .action((flags: SeedFlags, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        if (flags.file && flags.generate) throw usageError("give --file or --generate, not both");
        const { readRows } = await import("../seed/read-rows.js");
        const { DEFAULT_MOVIES, generateMovies, validateRows } = await import("../seed/movie-rows.js");
        let movies = DEFAULT_MOVIES;
        let rejected: Awaited<ReturnType<typeof validateRows>>["rejected"] = [];
        let rows = DEFAULT_MOVIES.length;
        let duplicates = 0;
        if (flags.generate !== undefined) {
          const n = Number(flags.generate);
          if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw usageError(`--generate takes a whole number from 1 to 1000000, got "${flags.generate}"`);
          movies = generateMovies(n);
          rows = n;
        } else if (flags.file) {
          const input = await readRows(flags.file);
          ({ movies, rejected, duplicates } = validateRows(input));
          rows = input.length;
        }
        requireDeployment(settings);
        const [{ seedTable }, { startProgress }] = await Promise.all([import("../seed/seed-table.js"), import("../progress.js")]);
        const progress = movies.length >= 200 && !flags.json ? await startProgress(io, "seeding") : undefined;
        const started = performance.now();
        let result: { table: string; written: number };
        try {
          result = await seedTable({ io, settings }, movies, (d, t) => progress?.update(d, t));
        } finally {
          progress?.done();
        }
        const { table, written } = result;
        const seconds = (performance.now() - started) / 1000;
        const rejectedRows = new Set(rejected.map((r) => r.row)).size;
        if (flags.json) io.data({ table, rows, written, duplicates, rejectedRows, rejected, seconds: Number(seconds.toFixed(3)) });
        else {
          const merged = duplicates ? `; ${duplicates} duplicate rows merged` : "";
          io.line(`seeded ${written} movies into ${table} in ${seconds.toFixed(2)} s${merged}${rejectedRows ? `; ${rejectedRows} rows rejected:` : ""}`);
          for (const r of rejected.slice(0, 50)) io.line(`  row ${r.row}: ${r.field}: ${r.reason}`);
          if (rejected.length > 50) io.line(`  ... and ${rejected.length - 50} more (--json lists all)`);
        }
        return flags.strict && rejected.length > 0 ? EXIT.refused : EXIT.ok;
      }),
    );
}
