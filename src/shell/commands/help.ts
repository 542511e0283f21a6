// `help [CMD]`: the command list, or one command's synopsis, details and examples.

import { text } from '../../report/model.js';
import { optionHelp, OPTIONS, type OptionSpec } from '../options.js';
import { UsageError, type Command } from '../command.js';

/** `help`, given the command table it describes (passed in to keep imports one-way). */
export function makeHelpCommand(commands: () => Command[], viewAvailable: (view: string) => boolean): Command {
  const findCommand = (w: string) => commands().find((c) => c.name === w || c.aliases?.includes(w));
  const commandWords = () => commands().flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  return {
  name: 'help',
  aliases: ['?'],
  synopsis: 'help [CMD|OPTION]',
  summary: 'list commands, or show how to use one (or what an option does)',
  examples: ['help', 'help struct', 'help --port'],
  complete: (_s, i) => (i === 0 ? commandWords() : []),
  run(_s, inv) {
    const w = inv.args[0];
    if (!w) {
      const width = Math.max(...commands().map((c) => c.name.length));
      return text(
        'Commands:',
        ...commands().map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
        `  ${'quit'.padEnd(width)}  leave the shell`,
        '',
        'Options (as in the seed xportshow; long options may be abbreviated):',
        ...optionHelp(viewAvailable).filter((l) => !/--(system-map|btf|vmlinux|command)/.test(l)),
        "  (options marked '*' are not available yet in this version)",
        '',
        "Any command: '| grep [-v] PATTERN' filters (stages chain), '> FILE' / '>> FILE' writes, --json prints JSON.",
        "'help CMD' shows a command's synopsis and examples.",
      );
    }
    if (w.startsWith('-')) return optionText(w, viewAvailable);
    const c = findCommand(w);
    if (!c) throw new UsageError(`help: no command '${w}' (try: help)`);
    return text(
      `${c.synopsis}`,
      `  ${c.summary}`,
      ...(c.details ?? []).map((d) => '  ' + d),
      ...(c.aliases?.length ? [`  aliases: ${c.aliases.join(', ')}`] : []),
      ...(c.examples?.length ? ['  examples:', ...c.examples.map((e) => '    ' + e)] : []),
    );
  },
};
}

/** The option a word names: `-t`, `--tcp`, or a unique prefix `--tc` (`--port=80` too). */
function optionNamed(word: string): OptionSpec | undefined {
  const key = word.replace(/=.*$/, '');
  if (/^-[A-Za-z]$/.test(key)) return OPTIONS.find((o) => o.short === key[1]);
  const name = key.replace(/^--?/, '');
  const exact = OPTIONS.find((o) => o.name === name);
  if (exact) return exact;
  const hits = OPTIONS.filter((o) => o.name.startsWith(name));
  return name && hits.length === 1 ? hits[0] : undefined;
}

/** `help --port`: the option's flags, what it does, and whether its view is built. */
function optionText(word: string, viewAvailable: (view: string) => boolean) {
  const o = optionNamed(word);
  if (!o) throw new UsageError(`help: no option '${word}' (try: help)`);
  return text(
    [o.short ? `-${o.short}` : '', `--${o.name}${o.arg ? '=' + o.arg : ''}`].filter(Boolean).join(', '),
    `  ${o.help}`,
    ...(o.view && !viewAvailable(o.view) ? ['  (not available yet in this version)'] : []),
    ...(o.cliOnly ? ['  (on the command line only, when opening the dump)'] : []),
  );
}
