import type { ProviderDescription } from "@opwatch/core";
import { descriptions, providers } from "./generated/providers.js";

/** A spec server variable (ECL's `region`) as the CLI exposes it: a flag and an environment variable. */
export interface CliVariable {
  readonly provider: string;
  /** The server variable's name in the spec, also the client option's name. */
  readonly name: string;
  /** `--region`, or `--<provider>-<name>` when two providers share the name. */
  readonly flag: string;
  /** Commander's attribute name of the flag (camel case). */
  readonly attribute: string;
  readonly envVar: string;
  readonly defaultValue: string;
  /** The only values allowed (the spec's `enum`), if it lists them. */
  readonly choices: readonly string[] | undefined;
  /** The spec's `pattern` for an open variable. */
  readonly pattern: string | undefined;
  /** Values to offer in completion and help: the enum, else the spec's examples, else the default. */
  readonly examples: readonly string[];
}

/** `undefined` when `value` suits the variable, else why not (in the words of `name`, a flag or env var). */
export function checkVariable(variable: CliVariable, name: string, value: string): string | undefined {
  if (variable.choices && !variable.choices.includes(value)) {
    return `${name} must be one of ${variable.choices.join(", ")}, got ${JSON.stringify(value)}`;
  }
  if (variable.pattern !== undefined && !new RegExp(variable.pattern).test(value)) {
    return `${name} must look like ${variable.examples.slice(0, 3).join(", ")} (pattern ${variable.pattern}), got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** One provider as the CLI sees it, derived from the generated module's `name` and `description`. */
export interface CliProvider {
  readonly name: string;
  readonly displayName: string;
  readonly description: ProviderDescription;
  readonly module: (typeof providers)[number];
  readonly tokenVar: string;
  readonly baseUrlVar: string;
  readonly variables: readonly CliVariable[];
}

/** `key-card` -> `KEY_CARD`. */
export const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");

const camel = (flag: string) => flag.replace(/^--/, "").replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A server variable as the spec describes it (`enum` for closed ones, `pattern` and `examples` for open ones). */
interface SpecVariable {
  readonly default: string;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly examples?: readonly string[];
}

const descriptionOf = (module: (typeof providers)[number]): ProviderDescription =>
  (descriptions as Readonly<Record<string, ProviderDescription>>)[module.name] as ProviderDescription;

const variablesOf = (description: ProviderDescription): [string, SpecVariable][] =>
  Object.entries((description.servers[0]?.variables ?? {}) as Readonly<Record<string, SpecVariable>>);

function derive(): CliProvider[] {
  const variableNames = providers.flatMap((module) => variablesOf(descriptionOf(module)).map(([name]) => name));
  const shared = (name: string) => variableNames.filter((n) => n === name).length > 1;
  return providers
    .map((module) => {
      const NAME = envName(module.name);
      const variables = variablesOf(descriptionOf(module)).map(([name, variable]) => {
        const flag = `--${shared(name) ? `${module.name}-` : ""}${name.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}`;
        return {
          provider: module.name,
          name,
          flag,
          attribute: camel(flag),
          envVar: `${NAME}_${envName(name)}`,
          defaultValue: variable.default,
          choices: variable.enum,
          pattern: variable.pattern,
          examples: variable.enum ?? variable.examples ?? [variable.default],
        };
      });
      return {
        name: module.name,
        displayName: module.description.displayName,
        description: descriptionOf(module),
        module,
        tokenVar: `${NAME}_TOKEN`,
        baseUrlVar: `${NAME}_BASE_URL`,
        variables,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every provider the CLI knows, sorted by name. */
export const cliProviders: readonly CliProvider[] = derive();

/** Every server-variable flag of every provider. */
export const cliVariables: readonly CliVariable[] = cliProviders.flatMap((p) => p.variables);

export function cliProvider(name: string): CliProvider | undefined {
  return cliProviders.find((p) => p.name === name);
}
