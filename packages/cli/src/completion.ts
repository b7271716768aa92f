import type { Command, Option } from "commander";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** Values to offer for a flag without declared choices (a server variable's examples), by long flag. */
type Values = Readonly<Record<string, readonly string[]>>;

interface Spec {
  name: string;
  summary: string;
  options: {
    long: string;
    short: string | undefined;
    flags: string;
    takesValue: boolean;
    choices: readonly string[];
    help: string;
  }[];
  /** Values of the command's first argument, when they are a fixed list (completion's shells). */
  argChoices: readonly string[];
  /** The command's positional argument: one, or any number (`<targets...>`), and what it is. */
  argument: { variadic: boolean; message: string } | undefined;
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
              flags: option.flags,
              takesValue: option.required || option.optional,
              choices: option.argChoices ?? values[option.long] ?? [],
              help: option.description,
            },
          ]
        : [],
    ),
    argChoices: command.registeredArguments[0]?.argChoices ?? [],
    argument: positional(command),
  }));
}

function positional(command: Command): Spec["argument"] {
  const argument = command.registeredArguments[0];
  if (!argument) return undefined;
  const described = !argument.argChoices && argument.description.split(";")[0];
  return { variadic: argument.variadic, message: described || argument.name() };
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

/** Escapes what zsh's `_arguments` reads specially in a help text (`[…]`) or a message (`:…:`). */
const zshEscape = (text: string, special: RegExp) => text.replace(special, "\\$&");

/** One `_arguments` spec, shell-quoted: `'(-q --quiet)'{-q,--quiet}'[help]'`, `'--timeout=[help]:duration:'`. */
function zshOption(option: Spec["options"][number]): string {
  const help = `[${zshEscape(option.help.split(";")[0] ?? "", /[\\\]]/g)}]`;
  // The value's message is the placeholder commander shows (<duration>, <n>); durations get examples.
  const placeholder = /<([^>]+)>/.exec(option.flags)?.[1] ?? "value";
  const message =
    { duration: "duration (90s, 1m30s, 2h, 1d)", n: "number", seq: "position (seq)" }[placeholder] ?? placeholder;
  const action =
    option.long === "--base-url"
      ? "_opwatch_base_url"
      : option.choices.length
        ? `(${option.choices.map((c) => zshEscape(c, /[\\ ():]/g)).join(" ")})`
        : "";
  const value = option.takesValue ? `:${zshEscape(message, /[\\:]/g)}:${action}` : "";
  const equals = option.takesValue ? "=" : "";
  if (option.long === "--help") return `'(- *)'{-h,--help}${quote(help)}`;
  if (option.short) {
    const names = `{${option.short}${equals},${option.long}${equals}}`;
    return `${quote(`(${option.short} ${option.long})`)}${names}${quote(`${help}${value}`)}`;
  }
  const repeat = option.long === "--base-url" ? "*" : "";
  return quote(`${repeat}${option.long}${equals}${help}${value}`);
}

function zshArguments(command: Spec): string[] {
  const specs = command.options.map(zshOption);
  if (command.argument) {
    const { variadic, message } = command.argument;
    const action = command.argChoices.length ? `(${words(command.argChoices)})` : "";
    specs.push(quote(`${variadic ? "*" : "1"}:${zshEscape(message, /[\\:]/g)}:${action}`));
  }
  return specs;
}

function zsh(program: Command, providers: readonly string[], values: Values): string {
  const commands = specs(program, values);
  const described = commands.map((c) => `        ${quote(`${c.name}:${c.summary}`)}`);
  const cases = commands.map(
    (c) =>
      `        (${c.name})\n          _arguments -s -S \\\n            ${zshArguments(c).join(" \\\n            ")} && ret=0 ;;`,
  );
  return `#compdef opwatch
# zsh completion for opwatch. Load it with: source <(opwatch completion zsh)  (after compinit)
# or save it as a file named _opwatch in a folder of $fpath.
_opwatch_base_url() {
  if compset -P '*='; then
    _message -e urls 'base URL (http://host:port)'
  else
    local expl
    local -a providers=(${providers.join(" ")})
    _wanted providers expl provider compadd -S '=' -a providers
  fi
}
_opwatch() {
  local curcontext="$curcontext" state state_descr line ret=1
  local -A opt_args
  _arguments -C \\
    '(- *)'{-h,--help}'[show help]' \\
    '(- *)'{-V,--version}'[print the version]' \\
    '1: :->command' \\
    '*:: :->argument' && ret=0
  case $state in
    (command)
      local -a commands=(
${described.join("\n")}
      )
      _describe -t commands 'opwatch command' commands && ret=0 ;;
    (argument)
      curcontext="\${curcontext%:*:*}:opwatch-\${words[1]}:"
      case $words[1] in
${cases.join("\n")}
      esac ;;
  esac
  return ret
}
if [[ "\${funcstack[1]}" = _opwatch ]]; then
  # Autoloaded from $fpath: this file is the body of _opwatch.
  _opwatch "$@"
elif (( \${+functions[compdef]} )); then
  compdef _opwatch opwatch
else
  print -u2 "opwatch completion: run 'autoload -Uz compinit && compinit' before loading it"
fi`;
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
