import type { CommandContext } from "../context.js";
import { output, requireDeployment, sdkConfig } from "../context.js";
import type { SeedMovie } from "./movie-rows.js";

/** Writes movies into the deployed Movies table; returns the table and the count written. */
export async function seedTable(ctx: CommandContext, movies: SeedMovie[], onProgress?: (done: number, total: number) => void): Promise<{ table: string; written: number }> {
  const rec = requireDeployment(ctx.settings);
  const table = output(rec, "table_name");
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }, { writeMovies }] = await Promise.all([
    import("@aws-sdk/client-dynamodb"),
    import("@aws-sdk/lib-dynamodb"),
    import("./batch-writer.js"),
  ]);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkConfig(ctx.settings, rec)));
  try {
    return { table, written: await writeMovies({ client, table, movies, onProgress }) };
  } finally {
    client.destroy();
  }
}
