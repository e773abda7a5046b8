import { Box, Text } from "ink";

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

export interface DashboardProps {
  cloudUrl: string;
  apiUrl: string;
  status: string;
  /** internal errors of the in-process cloud; the panel shows only when there are some */
  errors?: ErrorRow[];
  requests: RequestRow[];
  events: EventRow[];
  emails: EmailRow[];
  /** rows shown per panel */
  rows?: number;
}

const statusColour = (s: number) => (s >= 500 ? "red" : s >= 400 ? "yellow" : "green");
const clock = (t: number | string) => new Date(t).toISOString().slice(11, 19);

/** The `movies dev` live view: where things run, then the latest requests, events and emails. */
export function Dashboard({ cloudUrl, apiUrl, status, errors = [], requests, events, emails, rows = 6 }: DashboardProps) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>movies dev</Text> <Text color="gray">cloud</Text> {cloudUrl} <Text color="gray">api</Text> {apiUrl}
      </Text>
      <Text color="gray">{status}</Text>
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
