import type { Command, Option } from "commander";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** Values to offer for a flag without declared choices (a server variable's examples), by long flag. */
type Values = Readonly<Record<string, readonly string[]>>;

interface Spec {
  name: string;
  summary: string;
  options: { long: string; short: string | undefined; takesValue: boolean; choices: readonly string[]; help: string }[];
  /** Values of the command's first argument, when they are a fixed list (completion's shells). */
  argChoices: readonly string[];
}

function specs(program: Command, values: Readonly<Record<string, readonly string[]>>): Spec[] {
  return program.commands.map((command) => ({
    name: command.name(),
    summary: command.summary() || command.description(),
    options: [...command.options, help(command)].flatMap((option: Option) =>
      option.long
        ? [
            {
              long: option.long,
              short: option.short,
              takesValue: option.required || option.optional,
              choices: option.argChoices ?? values[option.long] ?? [],
              help: option.description,
            },
          ]
        : [],
    ),
    argChoices: command.registeredArguments[0]?.argChoices ?? [],
  }));
}

function help(command: Command): Option {
  return command.createOption("-h, --help", "show help");
}

const words = (list: readonly string[]) => list.join(" ");
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

function bash(program: Command, providers: readonly string[], values: Values): string {
  const commands = specs(program, values);
  const valueCases = new Map<string, string>();
  for (const command of commands) {
    for (const option of command.options.filter((o) => o.takesValue)) {
      const values =
        option.long === "--base-url"
          ? 'COMPREPLY=($(compgen -W "$(_opwatch_providers)" -- "$cur")); compopt -o nospace 2>/dev/null'
          : option.choices.length
            ? `COMPREPLY=($(compgen -W ${quote(words(option.choices))} -- "$cur"))`
            : "COMPREPLY=()";
      valueCases.set(option.long, `    ${option.long}) ${values}; return ;;`);
    }
  }
  const commandCases = commands.map((command) => {
    const flags = command.options.flatMap((o) => (o.short ? [o.long, o.short] : [o.long]));
    const args = command.argChoices.length ? ` ${words(command.argChoices)}` : "";
    return `    ${command.name}) COMPREPLY=($(compgen -W ${quote(`${words(flags)}${args}`)} -- "$cur")) ;;`;
  });
  return `# bash completion for opwatch. Load it with: source <(opwatch completion bash)
_opwatch_providers() {
  printf '%s= ' ${providers.join(" ")}
}
_opwatch() {
  local cur prev
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote(`${words(commands.map((c) => c.name))} --help --version`)} -- "$cur"))
    return
  fi
  case "$prev" in
${[...valueCases.values()].join("\n")}
  esac
  case "\${COMP_WORDS[1]}" in
${commandCases.join("\n")}
  esac
}
complete -o default -F _opwatch opwatch`;
}

function zsh(program: Command, providers: readonly string[], values: Values): string {
  return `#compdef opwatch
# zsh completion for opwatch. Load it with: source <(opwatch completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(program, providers, values).split("\n").slice(1).join("\n")}`;
}

function fish(program: Command, providers: readonly string[], values: Values): string {
  const lines = [
    "# fish completion for opwatch. Install: opwatch completion fish > ~/.config/fish/completions/opwatch.fish",
    "complete -c opwatch -f",
    `complete -c opwatch -n __fish_use_subcommand -l help -s h -d 'show help'`,
    `complete -c opwatch -n __fish_use_subcommand -l version -s V -d 'print the version'`,
  ];
  for (const command of specs(program, values)) {
    lines.push(`complete -c opwatch -n __fish_use_subcommand -a ${command.name} -d ${quote(command.summary)}`);
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    if (command.argChoices.length) lines.push(`complete -c opwatch ${when} -a ${quote(words(command.argChoices))}`);
    for (const option of command.options) {
      const short = option.short ? ` -s ${option.short.replace(/^-/, "")}` : "";
      const values =
        option.long === "--base-url"
          ? ` -x -a ${quote(providers.map((n) => `${n}=`).join(" "))}`
          : option.choices.length
            ? ` -x -a ${quote(words(option.choices))}`
            : option.takesValue
              ? " -x"
              : "";
      lines.push(
        `complete -c opwatch ${when} -l ${option.long.replace(/^--/, "")}${short}${values} -d ${quote(option.help.split(";")[0] ?? "")}`,
      );
    }
  }
  return lines.join("\n");
}

/** The completion script of `shell`, derived from the program's commands, options, choices and `values`. */
export function completionScript(
  program: Command,
  shell: Shell,
  providers: readonly string[],
  values: Values = {},
): string {
  if (shell === "bash") return bash(program, providers, values);
  return shell === "zsh" ? zsh(program, providers, values) : fish(program, providers, values);
}
