import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.js";
import { cliEnv, movies, spawnMovies, tempHome } from "./support/movies-cli.js";

// tail-events owns a temporary queue and subscription (billable on AWS). When
// they cannot be removed, here because the cloud died under it, it says which
// ones and how to remove them by hand, and exits non-zero.

describe("tail-events when its clean-up fails", { timeout: 180_000 }, () => {
  let home: string;
  let cloud: ReturnType<typeof spawnMovies>;
  beforeAll(async () => {
    home = tempHome("movies-tail-cleanup-");
    const port = await freePort();
    cloud = spawnMovies(["up", "--foreground", "--port", String(port)], cliEnv(home));
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${port}/_movies/health`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error("the cloud did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const d = await movies(["deploy"], cliEnv(home));
    expect(d.exitCode, d.stderr).toBe(0);
  }, 150_000);
  afterAll(() => {
    cloud.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });

  it("names the queue and the subscription left behind with the commands that remove them", async () => {
    const tail = spawnMovies(["tail-events"], cliEnv(home));
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      tail.stderr!.on("data", (c: Buffer) => {
        seen += c.toString();
        if (seen.includes("following events")) resolve();
      });
      tail.then((r) => reject(new Error(`tail-events ended early: ${r.stderr}`)));
    });
    cloud.kill("SIGKILL");
    await cloud.catch(() => undefined);
    const r = await tail;
    const err = String(r.stderr);
    expect(r.exitCode).not.toBe(0);
    expect(err).toMatch(/could not remove the temporary SNS subscription arn:aws:sns:\S+/);
    expect(err).toMatch(/remove it by hand: aws sns --endpoint-url http:\/\/127\.0\.0\.1:\d+ --region us-east-1 unsubscribe --subscription-arn arn:aws:sns:\S+/);
    expect(err).toMatch(/could not remove the temporary SQS queue http:\/\/\S+movies-tail-[0-9a-f]{8}/);
    expect(err).toMatch(/remove it by hand: aws sqs --endpoint-url \S+ --region us-east-1 delete-queue --queue-url \S+movies-tail-/);
  });
});
