// ConvScope command line (`npm run cli -- …`): built to out/main/cli.js, or run from source with
// tsx (scripts/cli.mjs picks). Prints results on stdout, progress and errors on stderr; exits 1 on
// failure, 2 on a usage error.
import { activationsCommand } from './activations';
import { CliError, parseArgs, type Args } from './args';
import { convertCommand } from './convert';
import { facesCommand } from './faces';
import { formatsCommand } from './formats';
import { USAGE } from './usage';

const COMMANDS: Record<string, (args: Args) => string | Promise<string>> = {
  formats: formatsCommand,
  convert: convertCommand,
  activations: activationsCommand,
  faces: facesCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  try {
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new CliError(`unknown command '${command}'\n${USAGE}`);
    process.stdout.write(`${await run(parseArgs(rest))}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`convscope ${command}: error: ${(e as Error).message}\n`);
    return e instanceof CliError && /\nusage:/.test((e as Error).message) ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`convscope: unexpected error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
