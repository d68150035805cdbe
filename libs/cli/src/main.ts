#!/usr/bin/env node
// The `ratchet` command: a small dispatcher over subcommands, each a module exporting `(argv) => exit code`.
import { benchGptMain } from './bench-gpt';

type Command = (argv: readonly string[]) => Promise<number>;

/** `ratchet <group> <name> ...`; add a subcommand with one line here. */
const commands: Record<string, Command> = {
  'bench gpt': benchGptMain,
  'bench continual': (argv) => import('./bench-continual').then((m) => m.benchContinualMain(argv)),
};

async function main(argv: readonly string[]): Promise<number> {
  const key = argv.slice(0, 2).join(' ');
  const command = commands[key];
  if (!command) {
    console.error(`usage: ratchet <command> [options]\ncommands:\n${Object.keys(commands).map((c) => `  ${c}`).join('\n')}`);
    return argv.length === 0 || argv[0] === '--help' ? 0 : 2;
  }
  return command(argv.slice(2));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  },
);
