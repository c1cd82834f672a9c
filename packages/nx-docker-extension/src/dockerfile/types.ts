/** A flag written before an instruction's arguments: `--platform=linux/amd64`, `--link`, `--from=build`. */
export interface InstructionFlag {
  name: string;
  /** Undefined for a bare flag such as `--link`. */
  value?: string;
}

/** A here-document attached to RUN, COPY or ADD (`RUN <<EOF` … `EOF`). */
export interface Heredoc {
  /** The terminator word, unquoted. */
  name: string;
  /** Body lines joined with '\n', without the terminator line. */
  body: string;
  /** `<<-EOF`: leading tabs are stripped from body and terminator. */
  chomp: boolean;
  /** False when the word was quoted (`<<'EOF'`): no variable expansion in the body. */
  expand: boolean;
  /** 1-based line range of the body plus terminator. */
  startLine: number;
  endLine: number;
}

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, … */
  keyword: string;
  /** Logical-line text after the keyword and its flags, continuations joined (comment lines inside them dropped). */
  args: string;
  /** Exact source text from startLine to endLine (heredoc bodies included), line endings kept between lines. */
  raw: string;
  flags: InstructionFlag[];
  /** `json` when the arguments are a JSON array of strings (exec form), else `shell`. */
  form: 'json' | 'shell';
  /** The JSON array when form is `json`. */
  json?: string[];
  heredocs: Heredoc[];
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

export interface Stage {
  /** Position among the FROM instructions, from 0. */
  index: number;
  /** `AS name` as written (stage names compare case-insensitively). */
  name?: string;
  /** The image reference or earlier stage name after FROM, as written (variables unexpanded). */
  baseImage: string;
  /** Value of FROM's `--platform` flag, as written (e.g. `$BUILDPLATFORM`). */
  platform?: string;
  from: Instruction;
  /** The stage's instructions after FROM. */
  instructions: Instruction[];
  /** 1-based line range from the FROM line to the stage's last instruction. */
  startLine: number;
  endLine: number;
}

/** Something BuildKit would reject or warn about; parsing carries on so readers can still see the rest. */
export interface DockerfileProblem {
  line: number;
  message: string;
}

export interface Dockerfile {
  text: string;
  /** Source lines without their line endings. */
  lines: string[];
  /** The line ending the file mostly uses; edits write this one. */
  eol: '\n' | '\r\n';
  /** Escape character from the `# escape=` directive (default backslash). */
  escape: '\\' | '`';
  /** Parser directives at the top (`syntax`, `escape`, `check`), keys lower-case. */
  directives: Record<string, string>;
  /** ARG instructions before the first FROM (usable in FROM lines). */
  globalArgs: Instruction[];
  /** Every instruction in file order. */
  instructions: Instruction[];
  stages: Stage[];
  problems: DockerfileProblem[];
}

/** Thrown when a question about a Dockerfile has no clear answer (no stage, unknown target, unparseable file). */
export class DockerfileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'DockerfileError';
  }
}
