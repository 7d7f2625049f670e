import type { Command } from 'commander';
import { ROLES } from '../../bus/roles.js';

/** What a positional argument completes to: files, stored run ids, or a fixed list of words. */
export type ArgKind = { kind: 'files' } | { kind: 'runs' } | { kind: 'words'; words: string[] };

export interface CompletionOption {
  /** Every spelling (`--json`, `-V`). */
  names: string[];
  description: string;
  /** Takes a value; `choices` when commander knows them. */
  value?: { name: string; choices?: string[] };
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  args: { name: string; required: boolean; completes: ArgKind }[];
}

/** The whole table: loop's visible commands and the top-level options. */
export interface CompletionModel {
  program: string;
  options: CompletionOption[];
  commands: CompletionCommand[];
}

const optionOf = (option: Command['options'][number]): CompletionOption => {
  const names = [option.short, option.long].filter((name): name is string => Boolean(name));
  const takesValue = option.required || option.optional;
  const valueName = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? 'value';
  return {
    names,
    description: option.description,
    ...(takesValue ? { value: { name: valueName, ...(option.argChoices ? { choices: [...option.argChoices] } : {}) } } : {}),
  };
};

/** A positional argument's completion: its declared choices, run ids for `<id>`, roles for `<role>`, else files. */
const argKind = (name: string, choices: readonly string[] | undefined): ArgKind => {
  if (choices) return { kind: 'words', words: [...choices] };
  if (name === 'id') return { kind: 'runs' };
  if (name === 'role') return { kind: 'words', words: [...ROLES] };
  return { kind: 'files' };
};

/** Reads the completion table from commander's own command tree (hidden commands left out), so it never goes stale. */
export function completionModel(program: Command): CompletionModel {
  const help = program.createHelp();
  return {
    program: program.name(),
    options: help.visibleOptions(program).map(optionOf),
    commands: help.visibleCommands(program).filter((command) => command.name() !== 'help').map((command) => ({
      name: command.name(),
      description: command.description(),
      options: help.visibleOptions(command).map(optionOf),
      args: command.registeredArguments.map((arg) => ({ name: arg.name(), required: arg.required, completes: argKind(arg.name(), arg.argChoices) })),
    })),
  };
}
