import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { freePort } from "../../test/support/free-port.js";
import { stopChild } from "../../test/support/stop-child.js";

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** ms from spawn to the first answered request */
  startMs: number;
  /** process.hrtime of the first answer, in µs (the clock of a V8 CPU profile's timestamps) */
  answeredAtUs: number;
  /** CPU time the server had used when it first answered, in ms (10 ms ticks) */
  cpuAtAnswerMs: number;
  /** CPU time (user + system) the server process has used so far, in ms; Linux only */
  cpuMs(): number;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));

/** A ListTables call: a request every peer here (our cloud, dynalite, moto) can answer. */
async function answersDynamoDb(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.ListTables",
        "x-amz-date": "20261129T000000Z",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261129/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: "{}",
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** A GET of `path` answered 200: the first answer of a server that is not an AWS emulator (a bare Node HTTP server), or a health endpoint. */
export function answersGet(path: string): (url: string) => Promise<boolean> {
  return async (url) => {
    try {
      const res = await fetch(`${url}${path}`);
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  };
}

/** What counts as the server's first answer: a DynamoDB ListTables (default) or another probe. */
export type Probe = (url: string) => Promise<boolean>;

async function launch(name: string, command: string, args: string[], port: number, env: NodeJS.ProcessEnv = {}, probe: Probe = answersDynamoDb): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // a variable set to undefined in `env` is left out of the child's environment
  const childEnv = Object.fromEntries(Object.entries({ ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env }).filter(([, v]) => v !== undefined));
  const child: ChildProcess = spawn(command, args, { cwd: root, stdio: "ignore", env: childEnv });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (await probe(url)) break;
    if (performance.now() - started > 30_000) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not answer within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const startMs = performance.now() - started;
  const answeredAtUs = Number(process.hrtime.bigint() / 1000n);
  return {
    name,
    pid: child.pid!,
    url,
    startMs,
    answeredAtUs,
    cpuAtAnswerMs: processCpuMs(child.pid!),
    cpuMs: () => processCpuMs(child.pid!),
    stop: () => stopChild(child),
  };
}

/**
 * `npm run cloud` as a user runs it: `node bin/cloud.mjs`, which starts from a
 * cached esbuild bundle. `nodeFlags` (e.g. --cpu-prof) go to Node before the script.
 */
export async function spawnCloud(options: { probe?: Probe; nodeFlags?: string[]; env?: NodeJS.ProcessEnv; node?: string } = {}): Promise<ServerProcess> {
  const port = await freePort();
  return launch("embedded cloud", options.node ?? process.execPath, [...(options.nodeFlags ?? []), `${root}bin/cloud.mjs`, "--port", String(port)], port, options.env ?? {}, options.probe);
}

/** The floor of any Node server: `http.createServer` answering 200, in a process of its own (`node`: another Node binary). */
export async function spawnBareNode(options: { env?: NodeJS.ProcessEnv; node?: string } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const code = `require("node:http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1")`;
  return launch("bare Node HTTP server", options.node ?? process.execPath, ["-e", code], port, options.env ?? {}, answersGet("/"));
}

/**
 * A bare Node HTTP server that reads each request's body and answers with a
 * fixed reply of the right shape and size: SNS Publish and SES SendEmail get
 * their Query-protocol XML (the SDK parses it as it would AWS's), anything
 * else a GET /movies/{id} result. Its CPU per request is the floor of serving
 * one HTTP exchange: what any server must spend before doing the work asked.
 */
export async function spawnCannedAws(): Promise<ServerProcess> {
  const port = await freePort();
  const code = `
const meta = '<ResponseMetadata><RequestId>f5d7a1c2-6b1e-4f00-9c3a-0d1e2f3a4b5c</RequestId></ResponseMetadata>';
const publish = '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809</MessageId></PublishResult>' + meta + '</PublishResponse>';
const sendEmail = '<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult><MessageId>0100018c-2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809-000000</MessageId></SendEmailResult>' + meta + '</SendEmailResponse>';
const movie = JSON.stringify({ statusCode: 200, body: JSON.stringify({ id: '0190a6e4-0000-7000-8000-000000000000', title: 'Heat', rating: 8, genres: ['crime'] }) });
require('node:http').createServer((q, s) => {
  let body = '';
  q.setEncoding('utf8');
  q.on('data', (c) => { body += c; });
  q.on('end', () => {
    const xml = body.includes('Action=Publish') ? publish : body.includes('Action=SendEmail') ? sendEmail : undefined;
    s.writeHead(200, { 'content-type': xml ? 'text/xml' : 'application/json', 'x-amzn-requestid': 'f5d7a1c2-6b1e-4f00-9c3a-0d1e2f3a4b5c' });
    s.end(xml ?? movie);
  });
}).listen(${port}, '127.0.0.1');`;
  return launch("bare Node HTTP server (canned AWS replies)", process.execPath, ["-e", code], port, {}, answersGet("/"));
}

/** dynalite's own CLI on its own port, tables usable at once as in the cloud. */
export async function spawnDynalite(): Promise<ServerProcess> {
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve("dynalite/cli.js");
  return launch("dynalite alone", process.execPath, [cli, "--port", String(port), "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"], port);
}

export async function spawnMoto(probe?: Probe): Promise<ServerProcess> {
  const port = await freePort();
  // without managed IAM policies, which the benchmarks do not use and which slow moto's start
  return launch("moto_server", "moto_server", ["-H", "127.0.0.1", "-p", String(port)], port, { MOTO_IAM_LOAD_MANAGED_POLICIES: "false" }, probe);
}

/** The process and every descendant of it (a cloud's execution environments), from /proc; Linux only. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    for (const task of safeReaddir(`/proc/${out[i]}/task`)) {
      let children = "";
      try {
        children = readFileSync(`/proc/${out[i]}/task/${task}/children`, "utf8");
      } catch {
        continue; // the process ended meanwhile
      }
      for (const c of children.trim().split(/\s+/)) if (c !== "") out.push(Number(c));
    }
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** CPU ms of a process and of each of its descendants, by pid; processes that ended meanwhile are left out. */
export function treeCpuMs(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of processTree(pid)) {
    try {
      out.set(p, processCpuMs(p));
    } catch {
      // ended between listing and reading
    }
  }
  return out;
}

/** utime + stime from /proc/<pid>/stat, in ms (clock ticks are 10 ms on Linux). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may contain spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
