import type { Command } from 'commander';
import { bashCompletion } from '../completion/bash.js';
import { completionModel } from '../completion/model.js';
import { zshCompletion } from '../completion/zsh.js';

/** `loop completion bash|zsh`: the shell's completion script, generated from loop's own command table. */
export async function completionCommand(shell: 'bash' | 'zsh', _options: object, command: Command): Promise<number> {
  const model = completionModel(command.parent ?? command);
  process.stdout.write(shell === 'bash' ? bashCompletion(model) : zshCompletion(model));
  return 0;
}
