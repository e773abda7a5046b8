import type { Command } from "commander";

/**
 * Examples shown under each command's `--help`, keyed by the command's path
 * ("call update"). Kept in one place so every command has some and the
 * reference in docs/cli.md can be checked against them.
 */
export const EXAMPLES: Record<string, string[]> = {
  "": ["movies dev                          # the local loop: cloud, deploy, seed, hot reload", "movies deploy --target aws --yes", "movies call list --json | jq '.items[0]'"],
  up: ["movies up                            # in the background on 127.0.0.1:4566", "movies up --port 4567 --state-dir .movies/data", "movies up --foreground --port 0       # any free port, until Ctrl-C"],
  down: ["movies down"],
  status: ["movies status", "movies status --json | jq -r '.deployments.local.outputs.api_url'"],
  deploy: [
    "movies deploy                                      # the embedded cloud",
    "movies deploy --target localstack                  # LocalStack at http://localhost:4566",
    "movies deploy --target localstack --endpoint http://127.0.0.1:4566 --allow-embedded   # Terraform against our own cloud",
    "movies deploy --target aws --region eu-west-1 --yes",
    "movies deploy --hotswap                            # only changed function code",
  ],
  destroy: ["movies destroy", "movies destroy --target aws --yes"],
  seed: ["movies seed", "movies seed --file movies.csv --strict", "movies seed --generate 500"],
  call: ["movies call get 1", "movies call update 1 --rating 8.5"],
  "call get": ["movies call get 1", "movies call get 1 --json | jq .title"],
  "call list": ["movies call list                    # a table on a terminal, JSON when piped", "movies call list --all --json", "movies call list --limit 5 --table"],
  "call create": ["movies call create --title Heat --rating 8.3 --genre Crime --genre Drama", `movies call create --data '{"title":"Heat","rating":8.3,"genres":["Crime"]}'`],
  "call update": ["movies call update 1 --rating 8.5          # reads movie 1, changes the rating, PUTs the whole movie", "movies call update 1 --replace --data '{\"title\":\"Heat\",\"rating\":8.3,\"genres\":[\"Crime\"]}'"],
  "call delete": ["movies call delete 4"],
  "tail-events": ["movies tail-events", "movies tail-events --type MovieCreated --count 1 --timeout 30 --json"],
  emails: ["movies emails", "movies emails --follow"],
  logs: ["movies logs", "movies logs get-movie --since 1h", "movies logs --follow | grep ERROR"],
  trace: ["movies trace --last                 # the latest request as a waterfall", "movies trace                        # recent traces: request, total time, spans, errors", "movies trace 4bf92f3577b34da6a3ce929d0e0e4736 --json | jq '.spans[].name'", "movies trace --last --otlp trace.json   # open it in Jaeger", "movies trace --last --target aws     # from X-Ray"],
  console: ["movies console                     # prints the URL, opens it in a browser on a desktop", "movies console mailbox --no-open", "movies console queues/movie-updates-dlq"],
  dev: ["movies dev", "movies dev --port 4567 --state-dir .movies/dev"],
  doctor: ["movies doctor", "movies doctor --target aws --json"],
  completion: ["movies completion bash > ~/.local/share/bash-completion/completions/movies", "source <(movies completion bash)         # or this line in ~/.bashrc", "movies completion zsh > \"${fpath[1]}/_movies\"", "movies completion fish > ~/.config/fish/completions/movies.fish"],
};

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Adds an "Examples:" block after the help of every command that has examples. */
export function addExamples(program: Command): void {
  const visit = (cmd: Command) => {
    const examples = EXAMPLES[commandPath(cmd)];
    if (examples?.length) cmd.addHelpText("after", `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`);
    for (const sub of cmd.commands) visit(sub);
  };
  visit(program);
}
