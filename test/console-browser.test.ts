import { GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.js";
import { REPO_ROOT, cliEnv, movies, tempHome } from "./support/movies-cli.js";
import { until } from "./support/until.js";

// The browser console in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; never a downloaded browser) against a stack the real CLI
// deployed: up, deploy, seed, one `call create`. Each view is checked for what a
// person sees, and its screenshot is written to docs/console/.

const CHROMIUM = "/usr/bin/chromium";
// The committed screenshots are rewritten only on request, so a test run leaves the tree as it was.
const SHOTS = process.env.MOVIES_CONSOLE_SCREENSHOTS === "1" ? join(REPO_ROOT, "docs", "console") : mkdtempSync(join(tmpdir(), "movies-console-shots-"));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`console-browser.test.ts: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`);

interface Deployment {
  outputs: Record<string, string>;
}

let home: string;
let env: Record<string, string | undefined>;
let cloudUrl: string;
let cloudPid: number | undefined;
let outputs: Record<string, string>;
let context: BrowserContext | undefined;
let profile: string | undefined;
let page: Page;
const consoleUrl = (path = "") => `${cloudUrl}/_movies/console${path}`;
const fnName = (role: string) => (JSON.parse(outputs.function_names!) as Record<string, string>)[role]!;
const queueName = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const sqs = () => new SQSClient({ region: "us-east-1", endpoint: cloudUrl, credentials: { accessKeyId: "test", secretAccessKey: "test" } });

async function ok(args: string[]): Promise<string> {
  const r = await movies(args, env);
  if (r.exitCode !== 0) throw new Error(`movies ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function depth(url: string): Promise<number> {
  const client = sqs();
  try {
    const a = (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes!;
    return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
  } finally {
    client.destroy();
  }
}

async function open(path: string, waitFor: string): Promise<void> {
  await page.goto(consoleUrl(path));
  await page.getByText(waitFor).first().waitFor({ timeout: 20_000 });
}

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });

beforeAll(async () => {
  if (!hasChromium) return;
  home = tempHome("movies-console-");
  env = cliEnv(home);
  const port = await freePort();
  await ok(["up", "--port", String(port)]);
  cloudUrl = `http://127.0.0.1:${port}`;
  cloudPid = (JSON.parse(readFileSync(join(home, "cloud.json"), "utf8")) as { pid: number }).pid;
  outputs = (JSON.parse(await ok(["deploy", "--json"])) as Deployment).outputs;
  await ok(["seed"]);
  await ok(["call", "create", "--title", "Heat", "--rating", "8.3", "--genre", "Crime"]);
  const { chromium } = await import("playwright-core");
  profile = mkdtempSync(join(tmpdir(), "movies-console-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("dialog", (d) => void d.accept());
  mkdirSync(SHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (home && existsSync(join(home, "cloud.json"))) await movies(["down"], env);
  if (cloudPid) {
    try {
      process.kill(cloudPid, "SIGKILL");
    } catch {
      // stopped by `movies down`, as it should be
    }
  }
  if (home) rmSync(home, { recursive: true, force: true });
  if (!SHOTS.startsWith(REPO_ROOT)) rmSync(SHOTS, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)("the console in headless Chromium", { timeout: 120_000 }, () => {
  it("movies console prints the URL (and opens nothing outside a terminal)", async () => {
    expect(await ok(["console"])).toBe(consoleUrl("/"));
    expect(await ok(["console", "mailbox", "--no-open"])).toBe(consoleUrl("/mailbox"));
  });

  it("shows the system picture with its live counts", async () => {
    await open("/", "API Gateway");
    const text = await page.locator("main").innerText();
    expect(text).toMatch(/\d+ API requests?/);
    expect(text).toContain(`5 items in ${outputs.table_name}`);
    await until("the email of the created movie", async () => ((await page.locator("main").innerText()).includes("1 email") ? true : undefined), 30_000, 250);
    expect(await page.locator("svg.picture").getAttribute("aria-label")).toContain("live counts");
    expect(await page.locator("svg.picture a").count()).toBeGreaterThanOrEqual(9);
    await shot("system");
  });

  it("shows The Matrix in the Movies table and looks an item up by key", async () => {
    await open(`/tables/${outputs.table_name}`, "The Matrix");
    expect(await page.locator("table").innerText()).toContain("Heat");
    await page.fill("#lookup-key", '{"ID":"1"}');
    await page.click("text=Get item");
    await page.locator("pre").getByText('"Rating": 8.7').waitFor();
    expect(await page.locator("pre").first().innerText()).toContain('"Sci-Fi"');
    await shot("table");
  });

  it("shows the created movie's email in the mailbox, rendered", async () => {
    await open("/mailbox", "New Movie Added: Heat");
    const frame = page.frameLocator("iframe.mail-html").first();
    const article = page.locator("article.mail").first();
    if ((await page.locator("iframe.mail-html").count()) > 0) expect(await frame.locator("body").innerText()).toContain("Heat");
    else expect(await article.innerText()).toContain("Heat");
    await shot("mailbox");
  });

  it("redrives the dead-letter queue from its view", async () => {
    const dlq = queueName(outputs.dlq_url!);
    const client = sqs();
    const body = JSON.stringify({ note: "poison message put back by the console test" });
    try {
      await client.send(new SendMessageCommand({ QueueUrl: outputs.dlq_url, MessageBody: body }));
    } finally {
      client.destroy();
    }
    await open(`/queues/${dlq}`, "poison message put back");
    expect(await page.locator("main").innerText()).toContain("dead-letter queue of");
    await shot("dlq");
    await page.click("text=Redrive to source");
    await page.getByText(/Moved 1 messages to/).waitFor();
    expect(await depth(outputs.dlq_url!)).toBe(0);
  });

  it("invokes a function from its form and shows the result, config and invocations", async () => {
    await open(`/functions/${fnName("get-movie")}`, "Recent invocations");
    await page.fill("#invoke-payload", JSON.stringify({ httpMethod: "GET", path: "/movies/1", pathParameters: { movieID: "1" }, headers: {} }));
    await page.click("button:text('Invoke')");
    await page.locator("pre.result").getByText("The Matrix").waitFor({ timeout: 30_000 });
    expect(await page.locator("main").innerText()).toMatch(/Status 200/);
    await shot("function");
  });

  it("lists API requests and sends one through API Gateway with the key", async () => {
    await open("/api", "Recent requests");
    await page.selectOption("#req-method", "GET");
    await page.fill("#req-path", "/movies/2");
    await page.click("button:text('Send')");
    await page.getByText(/^200 /).waitFor();
    expect(await page.locator("pre.result").innerText()).toContain('"id":"2"');
    await until("the request in the list", async () => ((await page.locator("main table").innerText()).includes("/movies/2") ? true : undefined), 20_000, 250);
    expect(await page.locator("main table").innerText()).toMatch(/POST\s+\/movies\s+201/);
    await shot("api");
  });

  it("shows queues, topics with filter policies, and functions", async () => {
    await open("/queues", queueName(outputs.queue_url!));
    await shot("queues");
    await open("/topics", "Filter policy");
    expect(await page.locator("main").innerText()).toContain("sqs");
    await shot("topics");
    await open("/functions", fnName("create-movie"));
    await open("/denials", "IAM denials");
  });

  it("is usable from the keyboard: a skip link, focus moved to the view on navigation, deep links", async () => {
    await page.goto(consoleUrl(`/queues/${queueName(outputs.queue_url!)}`));
    await page.getByText("waiting,").first().waitFor();
    expect(await page.locator('nav a[aria-current="page"]').innerText()).toBe("Queues");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("System");
    await page.keyboard.press("Enter");
    await page.getByText("API Gateway").first().waitFor();
    expect(page.url()).toBe(consoleUrl("/"));
    expect(await page.evaluate("document.activeElement?.id")).toBe("main");
    await page.goBack();
    await page.getByText("waiting,").first().waitFor();
    expect(await page.locator("h1").innerText()).toBe(`Queue ${queueName(outputs.queue_url!)}`);
  });

  it("fits a laptop screen: no sideways scrolling at 1024 px", async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      for (const [path, text] of [["/", "API Gateway"], ["/api", "Recent requests"], ["/mailbox", "New Movie Added: Heat"], [`/functions/${fnName("create-movie")}`, "Recent invocations"]] as const) {
        await open(path, text);
        expect(await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path).toBe(true);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("shows the create request's trace as a waterfall, linked from the request and from its email", async () => {
    await open("/traces", "POST /movies");
    await shot("traces");
    await open("/api", "Recent requests");
    const row = page.locator("main table tr", { hasText: "POST" }).filter({ hasText: "201" }).first();
    await row.getByRole("link", { name: "waterfall" }).click();
    await page.locator("ol.waterfall").waitFor();
    const text = await page.locator("ol.waterfall").innerText();
    expect(text).toMatch(/apigateway\s+POST \/movies/);
    expect(text).toMatch(/lambda\s+create-movie/);
    expect(text).toMatch(/dynamodb\s+DynamoDB.PutItem/);
    // The email path joins the request's trace.
    expect(text).toMatch(/ses\s+SES.SendEmail/);
    expect(await page.locator("ol.waterfall .bar").count()).toBe(await page.locator("ol.waterfall li").count());
    await shot("trace");
    const traceUrl = page.url();
    expect(await page.locator("ol.waterfall").getByRole("link", { name: "create-movie" }).getAttribute("href")).toBe(`/_movies/console/functions/${fnName("create-movie")}`);

    await open("/mailbox", "New Movie Added: Heat");
    await page.locator("article.mail", { hasText: "New Movie Added: Heat" }).getByRole("link", { name: "The trace that sent this email" }).click();
    await page.locator("ol.waterfall").waitFor();
    expect(page.url()).toBe(traceUrl);
  });

  it("shows an IAM denial where it happened: the function on the picture, the missing permission and the role", async () => {
    const creds = { region: "us-east-1", endpoint: cloudUrl, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    const lambda = new LambdaClient(creds);
    const iam = new IAMClient(creds);
    try {
      const roleName = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fnName("get-movie") }))).Role!.split("/").pop()!;
      const policyName = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames![0]!;
      const original = decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }))).PolicyDocument!);
      // The role keeps its logs permissions and loses DynamoDB.
      const statements = (JSON.parse(original) as { Statement: { Action: string | string[] }[] }).Statement.filter((st) => ![st.Action].flat().some((a) => a.startsWith("dynamodb:")));
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
      try {
        const r = await movies(["call", "get", "3"], env);
        expect(r.exitCode).not.toBe(0);
        await open("/denials", "dynamodb:GetItem");
        const row = await page.locator("main table tbody tr").first().innerText();
        expect(row).toContain(fnName("get-movie"));
        expect(row).toContain(roleName);
        expect(row).toContain(`table/${outputs.table_name}`);
        await shot("denials");
        await open("/", "API Gateway");
        expect(await page.locator("svg.picture a.warn").first().getAttribute("aria-label")).toMatch(/^get-movie: .*1 denied/);
      } finally {
        await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: original }));
      }
    } finally {
      lambda.destroy();
      iam.destroy();
    }
  });

  it("refuses the console's actions cross-origin or without its token, and changes nothing", async () => {
    const client = sqs();
    try {
      await client.send(new SendMessageCommand({ QueueUrl: outputs.dlq_url, MessageBody: "must stay" }));
    } finally {
      client.destroy();
    }
    const dlq = queueName(outputs.dlq_url!);
    const html = await (await fetch(consoleUrl("/"))).text();
    const token = /name="movies-console-token" content="([^"]+)"/.exec(html)![1]!;
    const action = `${consoleUrl(`/api/queues/${dlq}/redrive`)}`;
    const json = { "content-type": "application/json" };
    // Another local web app's page: a loopback origin the front door lets through, the console does not.
    const foreign = await fetch(action, { method: "POST", headers: { ...json, origin: "http://localhost:5173", "x-movies-console-token": token }, body: "{}" });
    expect(foreign.status).toBe(403);
    const hostile = await fetch(action, { method: "POST", headers: { ...json, origin: "https://evil.example" }, body: "{}" });
    expect(hostile.status).toBe(403);
    const form = await fetch(action, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" }, body: "a=1" });
    expect(form.status).toBe(403);
    const noToken = await fetch(action, { method: "POST", headers: json, body: "{}" });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { message: string }).message).toContain("token");
    // A foreign page cannot read the page to learn the token either.
    expect((await fetch(consoleUrl("/"), { headers: { origin: "http://localhost:5173" } })).status).toBe(403);
    expect(await depth(outputs.dlq_url!)).toBe(1);

    // The console's own page, with its token, may.
    const mine = await fetch(action, { method: "POST", headers: { ...json, origin: cloudUrl, "x-movies-console-token": token }, body: "{}" });
    expect(mine.status).toBe(200);
    expect(await depth(outputs.dlq_url!)).toBe(0);
  });
});
