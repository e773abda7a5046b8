import { Box, Text } from "ink";

export interface ProgressBarProps {
  label: string;
  done: number;
  total: number;
  width?: number;
}

/** `label [██████░░░░] 60% 600/1000` */
export function ProgressBar({ label, done, total, width = 30 }: ProgressBarProps) {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return (
    <Box>
      <Text>{label} </Text>
      <Text color="green">{"█".repeat(filled)}</Text>
      <Text color="gray">{"░".repeat(width - filled)}</Text>
      <Text>
        {" "}
        {Math.round(ratio * 100)}% {done}/{total}
      </Text>
    </Box>
  );
}
