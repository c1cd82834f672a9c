import { parseDockerfile, splitSourceLines } from './parse';
import { finalStage, findStage } from './query';
import { DockerfileError, type Dockerfile } from './types';

/**
 * Inserts `text` ('\n'-separated lines, written with the file's own line ending) before 1-based line
 * `before` (`lines.length + 1` appends). Every other line stays byte-for-byte as it was.
 */
export function insertLines(df: Dockerfile, before: number, text: string): string {
  const source = splitSourceLines(df.text);
  if (before < 1 || before > source.length + 1) {
    throw new DockerfileError(`cannot insert before line ${before}: the Dockerfile has ${source.length} lines`);
  }
  const added = text.split(/\r?\n/).map((line) => ({ text: line, eol: df.eol as string }));
  if (before === source.length + 1) {
    // A file without a final newline keeps that shape: the old last line gains one, the new last line has none.
    const last = source[source.length - 1];
    if (last && last.eol === '') {
      last.eol = df.eol;
      added[added.length - 1].eol = '';
    }
  }
  source.splice(before - 1, 0, ...added);
  return source.map((l) => l.text + l.eol).join('');
}

/** Joins the parts of one instruction over several lines with the file's escape character. */
export function continued(parts: string[], escape: Dockerfile['escape'] = '\\', indent = '    '): string {
  return parts.map((p, k) => (k === 0 ? p : indent + p)).join(` ${escape}\n`);
}

/** First line of the comment block directly above a line (comments that describe that instruction). */
function attachedCommentStart(df: Dockerfile, line: number): number {
  const firstFree = Object.keys(df.directives).length + 1;
  let start = line;
  while (start - 1 >= firstFree && df.lines[start - 2].trimStart().startsWith('#')) start--;
  return start;
}

/**
 * Adds a whole stage just before the final stage (and before the comments that introduce it).
 * `stageText` must be exactly one FROM stage whose name the file does not already use.
 */
export function insertStageBeforeFinal(df: Dockerfile, stageText: string, target?: string): string {
  const final = finalStage(df, target);
  const added = parseDockerfile(stageText.replace(/\r\n/g, '\n'));
  if (added.stages.length !== 1 || added.globalArgs.length > 0 || added.problems.length > 0) {
    throw new DockerfileError('the stage to insert must be exactly one FROM stage');
  }
  const name = added.stages[0].name;
  if (name && findStage(df, name)) {
    throw new DockerfileError(
      `the Dockerfile already has a stage named '${name}' (line ${findStage(df, name)!.startLine})`,
    );
  }
  const at = attachedCommentStart(df, final.startLine);
  const lines = stageText.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const blankBefore = at > 1 && df.lines[at - 2].trim() !== '';
  return insertLines(df, at, [...(blankBefore ? [''] : []), ...lines, ''].join('\n'));
}

export type FinalStagePosition = 'end' | 'after-last-copy';

/**
 * Adds lines to the final stage: after its last instruction (`end`), or after its last COPY/ADD
 * (`after-last-copy`, falling back to the end) so files land before CMD/LABEL blocks users keep last.
 */
export function insertIntoFinalStage(
  df: Dockerfile,
  text: string,
  position: FinalStagePosition = 'end',
  target?: string,
): string {
  const final = finalStage(df, target);
  const copies = final.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  const after = position === 'after-last-copy' && copies.length > 0 ? copies[copies.length - 1].endLine : final.endLine;
  return insertLines(df, after + 1, text.replace(/\r\n/g, '\n').replace(/\n+$/, ''));
}
