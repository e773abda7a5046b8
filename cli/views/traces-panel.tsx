import { Box, Text, useInput, useStdin } from "ink";
import { useEffect, useRef, useState } from "react";
import type { Trace, TraceSummary } from "../trace/span.js";
import { formatMs } from "../trace/waterfall.js";
import { TraceWaterfall } from "./trace-waterfall.js";

export interface TracesPanelProps {
  /** newest first, as the cloud lists them */
  traces: TraceSummary[];
  /** reads one trace's spans (the cloud's admin API) */
  loadTrace?: (traceId: string) => Promise<Trace>;
  /** Ctrl-C: in raw mode the terminal sends no SIGINT, so the dashboard passes it on */
  onQuit?: () => void;
  rows?: number;
}

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

/**
 * The dashboard's recent traces: ↑/↓ choose one, Enter opens its waterfall,
 * Esc closes it. Keys work only where the terminal can give them (a TTY on
 * stdin); elsewhere the list is still drawn.
 */
export function TracesPanel({ traces, loadTrace, onQuit, rows = 6 }: TracesPanelProps) {
  const { isRawModeSupported } = useStdin();
  const [selected, setSelected] = useState(0);
  // keys can arrive faster than React re-subscribes the handler: the choice lives in a ref too
  const choice = useRef(0);
  const [open, setOpen] = useState<{ traceId: string; trace?: Trace; error?: string } | undefined>();
  const shown = traces.slice(0, rows);
  const current = Math.min(selected, Math.max(0, shown.length - 1));

  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") return onQuit?.();
      if (open) {
        if (key.escape || key.backspace || input === "q") setOpen(undefined);
        return;
      }
      const at = Math.min(choice.current, Math.max(0, shown.length - 1));
      if (key.upArrow || input === "k") choice.current = Math.max(0, at - 1);
      else if (key.downArrow || input === "j") choice.current = Math.max(0, Math.min(shown.length - 1, at + 1));
      else if (key.return && shown[at] && loadTrace) setOpen({ traceId: shown[at]!.traceId });
      setSelected(choice.current);
    },
    { isActive: Boolean(isRawModeSupported) },
  );

  useEffect(() => {
    if (!open || open.trace || open.error || !loadTrace) return;
    let live = true;
    loadTrace(open.traceId).then(
      (trace) => live && setOpen((o) => (o?.traceId === trace.traceId ? { ...o, trace } : o)),
      (e: unknown) => live && setOpen((o) => (o ? { ...o, error: e instanceof Error ? e.message : String(e) } : o)),
    );
    return () => {
      live = false;
    };
  }, [open, loadTrace]);

  if (open) {
    return (
      <Box flexDirection="column" marginTop={1}>
        {open.trace ? <TraceWaterfall traceId={open.trace.traceId} spans={open.trace.spans} /> : null}
        {open.error ? <Text color="red">  {open.error}</Text> : null}
        {!open.trace && !open.error ? <Text color="gray">  loading trace {open.traceId}…</Text> : null}
        <Text color="gray">Esc: back to the dashboard · movies trace {open.traceId} --json for the spans</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>traces</Text>
      {shown.length === 0 ? <Text color="gray">  none yet: every request is traced</Text> : null}
      {shown.map((t, i) => {
        const mark = isRawModeSupported && i === current ? "›" : " ";
        return (
          <Text key={t.traceId} inverse={Boolean(isRawModeSupported) && i === current}>
            {mark} {clock(t.startTime)} {t.name.padEnd(24)} <Text color="gray">{formatMs(t.durationMs).padStart(9)}</Text> {String(t.spanCount).padStart(3)} spans{" "}
            <Text color={t.errorCount ? "red" : "gray"}>
              {t.errorCount} {t.errorCount === 1 ? "error" : "errors"}
            </Text>
          </Text>
        );
      })}
      {shown.length && isRawModeSupported ? <Text color="gray">  ↑/↓ choose · Enter opens the waterfall</Text> : null}
    </Box>
  );
}
