import type { ArgsIn, OperationName } from '../../../shared/contract/index';
import type { CliContext } from './CliContext';
import { promptLine, promptYesNo } from './prompt';

/** Whether a terminal can be asked (never under --json, never with stdin or stderr redirected). */
export function canPrompt(cli: CliContext): boolean {
  return !cli.json && process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/**
 * The confirmation a guarded call needs, asked on the terminal when `--confirm` was not given. First asks
 * the main process what the contract needs for these arguments (safety.check: read-only, never audited),
 * prints its explanation and what to type, and reads the answer: the database name on production, the
 * word (RESTORE, DELETE) where the operation has one, else a yes.
 *
 * Returns the args to call with: unchanged when `confirm` was given, when nothing is needed, or when there
 * is no terminal (dispatch then refuses a missing confirmation: exit 3, audited as refused, naming what to
 * type); with `confirm` set from the answer otherwise. A declined or empty answer ends with exit 3 and
 * calls nothing (no audit row: nothing was asked of the operation).
 */
export async function withPromptedConfirmation<K extends OperationName>(
  cli: CliContext,
  name: K,
  args: ArgsIn<K>,
): Promise<ArgsIn<K>> {
  if ((args as { confirm?: unknown }).confirm !== undefined || !canPrompt(cli)) return args;
  const check = await cli.call('safety.check', { operation: name, args: args as Record<string, unknown> });
  const required = check.required;
  if (!required) return args;
  cli.stderr.write(`${check.explanation ? `${check.explanation}\n` : ''}${check.message}\n`);
  let answer: string | true | null = null;
  if (required.kind === 'yes') answer = (await promptYesNo('Proceed?')) === true ? true : null;
  else answer = await promptLine(required.kind === 'word' ? `Type ${required.word}:` : `Type ${required.database}:`);
  if (!answer) return cli.fail({ ok: false, code: 'CONFIRMATION_REQUIRED', message: 'Not confirmed; nothing was changed.' });
  return { ...args, confirm: answer } as ArgsIn<K>;
}
