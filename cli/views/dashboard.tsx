import { Box, Text } from "ink";
import type { Trace, TraceSummary } from "../trace/span.js";
import { Spinner } from "./spinner.js";
import { TracesPanel } from "./traces-panel.js";
import { consoleUrl } from "../console-url.js";

export interface RequestRow {
  time: number;
  method: string;
  path: string;
  status: number;
  ms: number;
}

export interface EventRow {
  time: string;
  type: string;
  id?: string;
  title?: string;
}

export interface EmailRow {
  time: string;
  subject: string;
  to: string;
}

export interface ErrorRow {
  time: number;
  message: string;
}

/** The last hot reload, timed from the save (the file's mtime or the watch event). */
export interface ReloadSummary {
  functions: string[];
  /** save to an environment of the new code warm */
  readyMs: number;
  /** save to the first request answered by the new code; absent until one is */
  servedMs?: number;
  servedBy?: string;
  /** the slowest function's steps, ms */
  parts: { build: number; zip: number; handover: number; envStart: number };
}

export type FunctionBuildState = "checking" | "cached" | "building" | "built" | "failed";

export interface DashboardProps {
  cloudUrl: string;
  apiUrl: string;
  status: string;
  /** internal errors of the in-process cloud; the panel shows only when there are some */
  errors?: ErrorRow[];
  /** something is under way (start-up, a rebuild): a spinner turns beside the status */
  busy?: boolean;
  /** each function's build, shown while one is under way or failed */
  builds?: Record<string, FunctionBuildState>;
  /** the last build's errors, whole (file:line:column, the line, a caret) */
  buildErrors?: string[];
  /** the last hot reload's save-to-ready and save-to-served times */
  reload?: ReloadSummary;
  requests: RequestRow[];
  events: EventRow[];
  emails: EmailRow[];
  /** the cloud's recent traces, newest first; ↑/↓ and Enter open one */
  traces?: TraceSummary[];
  loadTrace?: (traceId: string) => Promise<Trace>;
  /** Ctrl-C while the dashboard reads keys (the terminal then sends no SIGINT) */
  onQuit?: () => void;
  /** rows shown per panel */
  rows?: number;
}

const statusColour = (s: number) => (s >= 500 ? "red" : s >= 400 ? "yellow" : "green");
const clock = (t: number | string) => new Date(t).toISOString().slice(11, 19);

/** The `movies dev` live view: where things run, then the latest requests, events and emails. */
const BUILD_MARK: Record<FunctionBuildState, { mark: string; color: string }> = {
  checking: { mark: "·", color: "gray" },
  cached: { mark: "=", color: "gray" },
  building: { mark: "…", color: "yellow" },
  built: { mark: "✓", color: "green" },
  failed: { mark: "✗", color: "red" },
};

export function Dashboard({ cloudUrl, apiUrl, status, errors = [], busy = false, builds = {}, buildErrors = [], reload, requests, events, emails, traces = [], loadTrace, onQuit, rows = 6 }: DashboardProps) {
  const showBuilds = Object.values(builds).some((b) => b !== "cached" && b !== "built") || buildErrors.length > 0 || busy;
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>movies dev</Text> <Text color="gray">cloud</Text> {cloudUrl || "starting…"} <Text color="gray">api</Text> {apiUrl || "not deployed yet"}
      </Text>
      {cloudUrl ? (
        <Text>
          <Text color="gray">console</Text> {consoleUrl(cloudUrl)}
        </Text>
      ) : null}
      <Text color="gray">
        {busy ? <Spinner /> : null}
        {busy ? " " : ""}
        {status}
      </Text>
      {reload ? (
        <Text color="gray">
          last reload {reload.functions.join(", ")}: ready {Math.round(reload.readyMs)} ms after save
          {reload.servedMs === undefined ? ", no request served by it yet" : `, first request served ${Math.round(reload.servedMs)} ms after save`} (build{" "}
          {Math.round(reload.parts.build)}, zip {Math.round(reload.parts.zip)}, handover {Math.round(reload.parts.handover)}, environment start{" "}
          {Math.round(reload.parts.envStart)} ms)
        </Text>
      ) : null}
      {showBuilds && Object.keys(builds).length ? (
        <Box>
          {Object.entries(builds).map(([name, state]) => (
            <Text key={name} color={BUILD_MARK[state].color}>
              {state === "building" ? <Spinner color="yellow" /> : BUILD_MARK[state].mark} {name}
              {"  "}
            </Text>
          ))}
        </Box>
      ) : null}
      {buildErrors.length ? (
        <Box flexDirection="column" marginTop={1}>
          {buildErrors.map((l, i) => (
            <Text key={i} color={i === 0 || !l.startsWith("    ") ? "red" : undefined}>
              {l}
            </Text>
          ))}
        </Box>
      ) : null}
      {errors.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color="red">
            cloud errors ({errors.length})
          </Text>
          {errors.slice(-rows).map((e, i) => (
            <Text key={i} color="red">
              {"  "}
              {clock(e.time)} {e.message}
            </Text>
          ))}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={1}>
        <Text bold>requests</Text>
        {requests.length === 0 ? <Text color="gray">  none yet: try `npx movies call get 1`</Text> : null}
        {requests.slice(-rows).map((r, i) => (
          <Text key={i}>
            {"  "}
            {clock(r.time)} <Text color={statusColour(r.status)}>{r.status}</Text> {r.method.padEnd(6)} {r.path} <Text color="gray">{r.ms.toFixed(1)} ms</Text>
          </Text>
        ))}
      </Box>
      <TracesPanel traces={traces} loadTrace={loadTrace} onQuit={onQuit} rows={rows} />
      <Box flexDirection="column" marginTop={1}>
        <Text bold>events</Text>
        {events.length === 0 ? <Text color="gray">  none yet</Text> : null}
        {events.slice(-rows).map((e, i) => (
          <Text key={i}>
            {"  "}
            {clock(e.time)} <Text color="cyan">{e.type.padEnd(12)}</Text> {e.id ?? "-"} {e.title ?? ""}
          </Text>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>emails</Text>
        {emails.length === 0 ? <Text color="gray">  none yet</Text> : null}
        {emails.slice(-rows).map((m, i) => (
          <Text key={i}>
            {"  "}
            {clock(m.time)} {m.subject} <Text color="gray">to {m.to}</Text>
          </Text>
        ))}
      </Box>
      <Box marginTop={1}>
        <Text color="gray">watching handlers/ for changes · Ctrl-C to stop</Text>
      </Box>
    </Box>
  );
}
