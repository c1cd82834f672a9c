import type { Dockerfile, DockerfileProblem, Heredoc, Instruction, InstructionFlag, Stage } from './types';
import { isQuoted, splitWords, unquote } from './words';

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const JSON_FORM_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'SHELL', 'VOLUME']);
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]+)$/;

export interface SourceLine {
  text: string;
  eol: string;
}

export function splitSourceLines(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  const re = /\r\n|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ text: text.slice(start), eol: '' });
  return out;
}

function dominantEol(lines: SourceLine[]): '\n' | '\r\n' {
  const crlf = lines.filter((l) => l.eol === '\r\n').length;
  const lf = lines.filter((l) => l.eol === '\n').length;
  return crlf > lf ? '\r\n' : '\n';
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function isComment(line: string): boolean {
  return line.trimStart().startsWith('#');
}

/** Parser directives: only comment lines of the form `# key=value` at the very top count. */
function readDirectives(lines: SourceLine[]): { directives: Record<string, string>; next: number } {
  const directives: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i].text);
    if (!m || !KNOWN_DIRECTIVES.has(m[1].toLowerCase()) || m[1].toLowerCase() in directives) break;
    directives[m[1].toLowerCase()] = m[2];
  }
  return { directives, next: i };
}

/** Strips a trailing continuation (escape + optional spaces); undefined when the line does not continue. */
function withoutContinuation(line: string, escape: string): string | undefined {
  const trimmed = line.replace(/[ \t]+$/, '');
  if (!trimmed.endsWith(escape)) return undefined;
  return trimmed.slice(0, -1);
}

/** Leading `--name[=value]` words; `--` alone ends them. */
function readFlags(text: string, escape: string): { flags: InstructionFlag[]; rest: string } {
  const flags: InstructionFlag[] = [];
  let rest = text.trimStart();
  for (;;) {
    if (!rest.startsWith('--')) break;
    const word = splitWords(rest, escape)[0] ?? '';
    rest = rest.slice(word.length).trimStart();
    if (word === '--') break;
    const eq = word.indexOf('=');
    if (eq === -1) flags.push({ name: word.slice(2) });
    else flags.push({ name: word.slice(2, eq), value: unquote(word.slice(eq + 1), escape) });
  }
  return { flags, rest };
}

function readJsonForm(keyword: string, rest: string): string[] | undefined {
  if (!JSON_FORM_KEYWORDS.has(keyword) || !rest.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(rest);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // Not valid JSON: Docker then treats the text as shell form, and so do we.
  }
  return undefined;
}

function heredocMarkers(args: string, escape: string): Array<Pick<Heredoc, 'name' | 'chomp' | 'expand'>> {
  const out: Array<Pick<Heredoc, 'name' | 'chomp' | 'expand'>> = [];
  for (const word of splitWords(args, escape)) {
    const m = HEREDOC_WORD.exec(word);
    if (!m) continue;
    const name = unquote(m[3], escape);
    if (name) out.push({ name, chomp: m[2] === '-', expand: !isQuoted(m[3]) });
  }
  return out;
}

/**
 * Parses a Dockerfile the way BuildKit reads it: parser directives, the escape character, line
 * continuations (comment and blank lines inside them skipped), heredocs, flags, JSON vs shell form.
 * Never throws: what BuildKit would reject is listed in `problems` with its line.
 */
export function parseDockerfile(text: string): Dockerfile {
  const source = splitSourceLines(text);
  const { directives, next } = readDirectives(source);
  const escape: '\\' | '`' = directives.escape === '`' ? '`' : '\\';
  const problems: DockerfileProblem[] = [];
  if (directives.escape !== undefined && directives.escape !== '`' && directives.escape !== '\\') {
    problems.push({ line: 1, message: `invalid escape directive '${directives.escape}' (use \\ or \`)` });
  }
  const rawText = (from: number, to: number) =>
    source
      .slice(from, to + 1)
      .map((l, k, all) => l.text + (k < all.length - 1 ? l.eol : ''))
      .join('');

  const instructions: Instruction[] = [];
  let i = next;
  while (i < source.length) {
    const first = source[i].text;
    if (isBlank(first) || isComment(first)) {
      i++;
      continue;
    }
    const start = i;
    let logical = '';
    let line = first.trimStart();
    let part = withoutContinuation(line, escape);
    while (part !== undefined) {
      logical += part;
      let j = i + 1;
      while (j < source.length && (isComment(source[j].text) || isBlank(source[j].text))) j++;
      if (j >= source.length) {
        line = ''; // a continuation at the end of the file: BuildKit accepts it
        break;
      }
      i = j;
      line = source[i].text;
      part = withoutContinuation(line, escape);
    }
    if (part === undefined) logical += line;
    const keywordMatch = /^(\S+)\s*([\s\S]*)$/.exec(logical)!;
    const keyword = keywordMatch[1].toUpperCase();
    const { flags, rest } = readFlags(keywordMatch[2], escape);
    const args = rest.trimEnd();
    const json = readJsonForm(keyword, args);

    const heredocs: Heredoc[] = [];
    if (!json && HEREDOC_KEYWORDS.has(keyword)) {
      for (const marker of heredocMarkers(args, escape)) {
        const bodyStart = i + 1;
        const body: string[] = [];
        let j = bodyStart;
        const strip = (s: string) => (marker.chomp ? s.replace(/^\t+/, '') : s);
        while (j < source.length && strip(source[j].text) !== marker.name) body.push(strip(source[j++].text));
        if (j >= source.length) {
          problems.push({ line: start + 1, message: `heredoc '${marker.name}' is never terminated` });
          j = Math.max(source.length - 1, i);
        }
        heredocs.push({ ...marker, body: body.join('\n'), startLine: bodyStart + 1, endLine: j + 1 });
        i = j;
      }
    }
    const end = i;
    instructions.push({
      keyword,
      args,
      raw: rawText(start, end),
      flags,
      form: json ? 'json' : 'shell',
      json,
      heredocs,
      startLine: start + 1,
      endLine: end + 1,
    });
    i = end + 1;
  }

  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      stages.push(stageFrom(instruction, stages.length, escape, problems));
    } else if (stages.length > 0) {
      const stage = stages[stages.length - 1];
      stage.instructions.push(instruction);
      stage.endLine = instruction.endLine;
    } else if (instruction.keyword === 'ARG') {
      globalArgs.push(instruction);
    } else {
      problems.push({
        line: instruction.startLine,
        message: `${instruction.keyword} before the first FROM (only ARG may come before FROM)`,
      });
    }
  }

  return {
    text,
    lines: source.map((l) => l.text),
    eol: dominantEol(source),
    escape,
    directives,
    globalArgs,
    instructions,
    stages,
    problems,
  };
}

function stageFrom(from: Instruction, index: number, escape: string, problems: DockerfileProblem[]): Stage {
  const words = splitWords(from.args, escape);
  let name: string | undefined;
  if (words.length === 3 && words[1].toLowerCase() === 'as') {
    name = words[2];
  } else if (words.length !== 1) {
    problems.push({
      line: from.startLine,
      message: `FROM needs 'FROM [--platform=…] <image> [AS <name>]', found 'FROM ${from.args}'`,
    });
  }
  const platform = from.flags.find((f) => f.name.toLowerCase() === 'platform')?.value;
  return {
    index,
    name,
    baseImage: words[0] ?? '',
    platform,
    from,
    instructions: [],
    startLine: from.startLine,
    endLine: from.endLine,
  };
}
