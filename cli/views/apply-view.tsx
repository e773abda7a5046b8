import { Box, Text } from "ink";
import { useEffect, useState } from "react";
import { planLine, type ApplyProgress } from "../deploy/apply-progress.js";
import { ProgressBar } from "./progress-bar.js";
import { Spinner } from "./spinner.js";

export interface ApplyViewProps {
  title: string;
  progress: ApplyProgress;
  /** bumps on every Terraform message so the view redraws */
  tick: number;
  logFile: string;
  /** rows of in-flight resources shown */
  rows?: number;
}

/** The live view of a Terraform apply: plan summary, done of total, what is in flight and for how long. */
export function ApplyView({ title, progress, logFile, rows = 6 }: ApplyViewProps) {
  // redraw once a second too, so elapsed times move while a slow resource is in flight
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const flying = [...progress.inFlight.entries()].slice(0, rows);
  return (
    <Box flexDirection="column">
      <Text>
        <Spinner /> <Text bold>{title}</Text> <Text color="gray">{progress.elapsedSeconds(now)} s</Text>
      </Text>
      {progress.plan ? <Text color="gray">  plan: {planLine(progress.plan)}</Text> : null}
      <Box marginLeft={2}>
        <ProgressBar label="resources" done={progress.done} total={progress.total} />
      </Box>
      {flying.map(([addr, f]) => (
        <Text key={addr} color="gray">
          {"  "}
          {f.action.padEnd(7)} {addr} <Text color="yellow">{Math.round((now - f.since) / 1000)} s</Text>
        </Text>
      ))}
      {progress.inFlight.size > rows ? <Text color="gray">  … and {progress.inFlight.size - rows} more</Text> : null}
      {progress.failures.length ? <Text color="red">  {progress.failures.length} failed so far</Text> : null}
      <Text color="gray">  full log: {logFile}</Text>
    </Box>
  );
}
