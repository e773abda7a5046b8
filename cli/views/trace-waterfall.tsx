import { Box, Text, useStdout } from "ink";
import type { TraceSpan } from "../trace/span.js";
import { formatMs, layoutWaterfall, waterfallTitle } from "../trace/waterfall.js";

const SERVICE_COLOUR: Record<string, string> = { apigateway: "cyan", lambda: "yellow" };

/** The waterfall `movies trace` prints, drawn by ink: tree-indented spans on a time axis, errors red, the slowest marked. */
export function TraceWaterfall({ traceId, spans }: { traceId: string; spans: TraceSpan[] }) {
  const { stdout } = useStdout();
  const columns = stdout.columns || 120;
  const labels = layoutWaterfall(traceId, spans, 1).rows.map((r) => 2 * r.depth + r.label.length);
  const labelWidth = Math.min(40, Math.max(4, ...labels));
  // offset, duration, label, bar and a status such as "error AccessDeniedException" on one terminal line
  const width = Math.max(5, Math.min(40, columns - 1 - (9 + 1 + 9 + 2 + labelWidth + 3 + 3 + 30)));
  const w = layoutWaterfall(traceId, spans, width);
  const fit = (s: string) => (s.length > labelWidth ? `${s.slice(0, labelWidth - 1)}…` : s.padEnd(labelWidth));
  return (
    <Box flexDirection="column">
      <Text bold>{waterfallTitle(w)}</Text>
      {w.rows.map((r) => {
        const error = r.span.status === "error";
        return (
          <Text key={r.span.spanId} wrap="truncate-end">
            {formatMs(r.offsetMs).padStart(9)} {formatMs(r.span.durationMs).padStart(9)}{"  "}
            <Text color={error ? "red" : undefined}>{fit(`${"  ".repeat(r.depth)}${r.label}`)}</Text>
            {"  |"}
            <Text color={error ? "red" : (SERVICE_COLOUR[r.span.service] ?? "gray")}>{" ".repeat(r.barStart) + "█".repeat(r.barLength) + " ".repeat(width - r.barStart - r.barLength)}</Text>
            {"|  "}
            {error ? <Text color="red">error{r.errorCode ? ` ${r.errorCode}` : ""}</Text> : <Text color="green">ok</Text>}
            {r.slowest ? <Text bold>{"  ◀ slowest"}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
