import { OPTION_KEYS, OPTIONS, type Option } from './options.js';

/** `npm test -- --help` and the table of docs/options.md, both made from harness/run/options.ts. */
const all = OPTION_KEYS.map((key) => OPTIONS[key] as Option<unknown>);
const flags = all.filter((o) => o.flag);
const envOnly = all.filter((o) => !o.flag);

const DOCTOR_HELP = [
  'only check this machine for the chosen provider (the preflight:',
  'commands, Docker, Go, kernel, ports, disk, context), print every',
  'problem with its fix, and exit 0 (none) or 1; runs no tests',
];
const DOCTOR_DOC = 'only check this machine for the chosen provider and exit (no tests); see [below](#--doctor-check-the-machine-only).';

const plain = (markdown: string) => markdown.replace(/`/g, '');

function scope(option: Option<unknown>): string {
  return option.providers.length === 1 ? `${option.providers[0]}: ` : '';
}

function usage(option: Option<unknown>): string {
  if (option.flag) return option.value ? `${option.flag} ${option.value}` : option.flag;
  return `${option.env}=${option.value ?? '1'}`;
}

const NAME_WIDTH = 33;
const LINE_WIDTH = 110;

function helpLines(name: string, lines: string[]): string[] {
  return lines.map((line, i) => `  ${(i === 0 ? name : '').padEnd(NAME_WIDTH)}${line}`.trimEnd());
}

function optionHelp(option: Option<unknown>): string[] {
  const [first = '', ...more] = option.help.split('\n');
  const line = `${scope(option)}${first}`;
  const where = `(${option.flag ? `${option.env}; ` : ''}default ${plain(option.defaultText)})`;
  const fits = 2 + NAME_WIDTH + line.length + 1 + where.length <= LINE_WIDTH;
  return helpLines(usage(option), fits ? [`${line} ${where}`, ...more] : [line, where, ...more]);
}

export function helpText(): string {
  return [
    'usage: npm test [-- [suite options] [jest options]]',
    '       npm test -- --doctor [suite options]     (or: npm run doctor [-- suite options])',
    '',
    'Runs the probe-conformance suite: brings up a cluster, runs every scenario folder, writes reports/.',
    '',
    'suite options (each also works as the environment variable shown; see docs/options.md):',
    ...flags.flatMap(optionHelp),
    ...helpLines('--doctor', DOCTOR_HELP),
    '',
    'environment variables without a flag:',
    ...envOnly.flatMap(optionHelp),
    '',
    'jest options pass through, e.g.:',
    '  --selectProjects unit|images|scenarios    only that part',
    '  -t A000-1                                 only scenarios whose name matches',
    '  --testNamePattern=A000                    the same',
    '',
  ].join('\n');
}

const cell = (markdown: string) => markdown.replace(/\|/g, '\\|');
const code = (text: string) => `\`${cell(text)}\``;

function row(option: Option<unknown>): string {
  const flag = option.flag ? code(usage(option)) : '';
  const variable = code(option.value ? option.env : `${option.env}=1`);
  return `| ${flag} | ${variable} | ${cell(option.defaultText)} | ${cell(`${scope(option)}${option.doc ?? option.help}`)} |`;
}

export const TABLE_START = '<!-- options table: generated from harness/run/options.ts by `npm run docs:options`; edit it there -->';
export const TABLE_END = '<!-- end of the generated options table -->';

export function optionsTable(): string {
  return [
    '| flag | variable | default | meaning |',
    '|---|---|---|---|',
    ...flags.map(row),
    `| \`--doctor\` | | | ${DOCTOR_DOC} |`,
    ...envOnly.map(row),
  ].join('\n');
}

/** docs/options.md with its generated table replaced by the current one. */
export function withOptionsTable(doc: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/options.md lacks the markers ${TABLE_START} ... ${TABLE_END}`);
  return `${doc.slice(0, start)}${TABLE_START}\n${optionsTable()}\n${doc.slice(end)}`;
}
