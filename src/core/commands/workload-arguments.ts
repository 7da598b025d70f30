import { parse, type ParseEntry } from 'shell-quote';
import { ExitCode, PgoError } from '../errors';

/**
 * A command line as a user types it (`--input "my file.mid" -n 3`) → the argument list pgo.yaml
 * stores. Quoting works as in a POSIX shell, but nothing runs a shell: `$HOME` stays `$HOME`, and
 * an operator (`|`, `>`, `&&`) is refused, since the workload would pass it to the binary as text.
 */
export function parseWorkloadArguments(line: string): string[] {
  // Variables stay literal: shell-quote calls this for `$NAME` and uses what it returns.
  const entries: ParseEntry[] = parse(line, (name: string) => `$${name}`);
  const args: string[] = [];
  for (const e of entries) {
    if (typeof e === 'string') args.push(e);
    else if ('op' in e && e.op === 'glob') args.push(e.pattern);
    else if ('op' in e) {
      throw new PgoError(
        `"${e.op}" is a shell operator, but a workload runs its binary without a shell`,
        'quote it if the binary should receive it as an argument; for pipes or redirections, write a script and run it as the workload (e.g. ["bash", "scripts/pgo-workload.sh"])',
        ExitCode.Usage,
      );
    } else if ('comment' in e) {
      throw new PgoError(`"#${e.comment}" would be a comment in a shell`, 'quote the "#" if the binary should receive it', ExitCode.Usage);
    }
  }
  return args;
}
