import type { Command } from "commander";
import { commandPath } from "./help-examples.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** Values worth offering for options that take one of a few words. */
const OPTION_VALUES: Record<string, string[]> = {
  "--target": ["local", "localstack", "aws"],
  "--type": ["MovieCreated", "MovieUpdated", "MovieDeleted"],
};

interface Node {
  path: string;
  subcommands: string[];
  options: string[];
}

/** Every command path with its subcommands and options (global options included), read from the program itself. */
function tree(program: Command): Node[] {
  const globals = program.options.map((o) => o.long!).filter(Boolean);
  const nodes: Node[] = [];
  const visit = (cmd: Command) => {
    const own = cmd.options.map((o) => o.long!).filter(Boolean);
    nodes.push({ path: commandPath(cmd), subcommands: cmd.commands.map((c) => c.name()), options: [...new Set([...own, ...globals, "--help"])] });
    for (const sub of cmd.commands) visit(sub);
  };
  visit(program);
  return nodes;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    ${quote(n.path)}) words=${quote([...n.subcommands, ...n.options].join(" "))} ;;`)
    .join("\n");
  const values = Object.entries(OPTION_VALUES)
    .map(([opt, vals]) => `    ${opt}) COMPREPLY=($(compgen -W ${quote(vals.join(" "))} -- "$cur")); return 0 ;;`)
    .join("\n");
  return `# bash completion for movies: source <(movies completion bash)
_movies_complete() {
  local cur prev path="" word words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${values}
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    case " $(_movies_words "$path") " in
      *" $word "*) path="\${path:+$path }$word" ;;
    esac
  done
  COMPREPLY=($(compgen -W "$(_movies_words "$path")" -- "$cur"))
}
_movies_words() {
  local words=""
  case "$1" in
${cases}
  esac
  printf '%s' "$words"
}
complete -F _movies_complete movies
`;
}

function zsh(nodes: Node[]): string {
  const cases = nodes.map((n) => `    ${quote(n.path)}) cands=(${[...n.subcommands, ...n.options].map(quote).join(" ")}) ;;`).join("\n");
  const values = Object.entries(OPTION_VALUES)
    .map(([opt, vals]) => `    ${opt}) compadd -- ${vals.map(quote).join(" ")}; return ;;`)
    .join("\n");
  // zsh fills $words (the command line) and $CURRENT; candidates go in $cands
  return `#compdef movies
# zsh completion for movies: movies completion zsh > "\${fpath[1]}/_movies"
_movies() {
  local cmdpath="" word i
  local -a cands
  case "\${words[CURRENT-1]}" in
${values}
  esac
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    _movies_words "$cmdpath"
    (( \${cands[(Ie)$word]} )) && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  _movies_words "$cmdpath"
  compadd -- "\${cands[@]}"
}
_movies_words() {
  cands=()
  case "$1" in
${cases}
  esac
}
# autoloaded from $fpath the file runs as the completer; sourced, it registers one
if [[ "\${funcstack[1]}" = "_movies" ]]; then _movies "$@"; else compdef _movies movies; fi
`;
}

function fish(nodes: Node[]): string {
  const lines = [`# fish completion for movies: movies completion fish > ~/.config/fish/completions/movies.fish`, "complete -c movies -f"];
  for (const n of nodes) {
    const parts = n.path ? n.path.split(" ") : [];
    // fish: offer a command's words once its path is on the line and none of its subcommands is yet
    const cond = parts.length ? `__fish_seen_subcommand_from ${parts[parts.length - 1]}` : "__fish_use_subcommand";
    for (const s of n.subcommands) lines.push(`complete -c movies -n ${quote(`${cond}; and not __fish_seen_subcommand_from ${n.subcommands.join(" ")}`)} -a ${quote(s)}`);
    for (const o of n.options) {
      const values = OPTION_VALUES[o];
      lines.push(`complete -c movies -n ${quote(cond)} -l ${o.slice(2)}${values ? ` -x -a ${quote(values.join(" "))}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The completion script for a shell, generated from the program's own commands and options. */
export function completionScript(program: Command, shell: Shell): string {
  const nodes = tree(program);
  return shell === "bash" ? bash(nodes) : shell === "zsh" ? zsh(nodes) : fish(nodes);
}
