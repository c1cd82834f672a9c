import { DockerfileError, type Dockerfile, type Instruction, type Stage } from './types';
import { splitWords, unquote } from './words';

function describeProblems(df: Dockerfile): string {
  return df.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ');
}

/**
 * The stage `docker build` produces: the one named by `target`, else the last FROM.
 * Throws when that cannot be told: no FROM, an unknown target, or a file BuildKit would not parse.
 */
export function finalStage(df: Dockerfile, target?: string): Stage {
  const fatal = df.problems.filter((p) => /never terminated|FROM needs/.test(p.message));
  if (fatal.length > 0) {
    throw new DockerfileError(`cannot tell which stage is final: ${describeProblems({ ...df, problems: fatal })}`);
  }
  if (df.stages.length === 0) {
    throw new DockerfileError('cannot tell which stage is final: the Dockerfile has no FROM instruction');
  }
  if (target === undefined) return df.stages[df.stages.length - 1];
  const stage = findStage(df, target);
  if (!stage) {
    const names = df.stages.map((s) => s.name).filter(Boolean);
    throw new DockerfileError(
      `target '${target}' is not a stage of the Dockerfile (stages: ${names.length ? names.join(', ') : 'none named'})`,
    );
  }
  return stage;
}

/** A stage by its `AS` name (case-insensitive, as BuildKit compares them) or its index. */
export function findStage(df: Dockerfile, nameOrIndex: string | number): Stage | undefined {
  if (typeof nameOrIndex === 'number') return df.stages[nameOrIndex];
  const wanted = nameOrIndex.toLowerCase();
  if (/^\d+$/.test(wanted)) return df.stages[Number(wanted)];
  return df.stages.find((s) => s.name?.toLowerCase() === wanted);
}

/** The earlier stage a stage is built FROM, when its base image is a stage name rather than an image. */
export function parentStage(df: Dockerfile, stage: Stage): Stage | undefined {
  const wanted = stage.baseImage.toLowerCase();
  return df.stages.find((s) => s.index < stage.index && s.name?.toLowerCase() === wanted);
}

/** The value of a flag (`--from`, `--chmod`, `--platform`…); `''` for a bare flag such as `--link`. */
export function flagValue(instruction: Instruction, name: string): string | undefined {
  const flag = instruction.flags.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!flag) return undefined;
  return flag.value ?? '';
}

export function hasFlag(instruction: Instruction, name: string): boolean {
  return flagValue(instruction, name) !== undefined;
}

export interface CopySpec {
  keyword: 'COPY' | 'ADD';
  /** Source paths/URLs as written; a heredoc source appears as its `<<NAME` word. */
  sources: string[];
  destination: string;
  /** `--from`: a stage name, index, image or build context. */
  from?: string;
  chmod?: string;
  chown?: string;
  link: boolean;
}

/** Sources, destination and the usual flags of a COPY or ADD; undefined for other instructions. */
export function copySpec(instruction: Instruction): CopySpec | undefined {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return undefined;
  // Shell-form COPY paths are whitespace-separated with no quote handling, as in BuildKit.
  const words = instruction.json ?? instruction.args.split(/[ \t]+/).filter(Boolean);
  const link = flagValue(instruction, 'link');
  return {
    keyword: instruction.keyword,
    sources: words.slice(0, -1),
    destination: words[words.length - 1] ?? '',
    from: flagValue(instruction, 'from'),
    chmod: flagValue(instruction, 'chmod'),
    chown: flagValue(instruction, 'chown'),
    link: link !== undefined && link !== 'false',
  };
}

export interface KeyValue {
  key: string;
  value: string;
}

/**
 * `key=value` pairs of LABEL or ENV (quotes and escapes removed, variables left as written);
 * the legacy one-pair form `LABEL key value with spaces` too.
 */
export function keyValues(instruction: Instruction, escape = '\\'): KeyValue[] {
  const words = splitWords(instruction.args, escape);
  if (words.length === 0) return [];
  if (!words[0].includes('=')) {
    const value = instruction.args.trimStart().slice(words[0].length).trim();
    return [{ key: unquote(words[0], escape), value: unquote(value, escape) }];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq === -1) return { key: unquote(word, escape), value: '' };
    return { key: unquote(word.slice(0, eq), escape), value: unquote(word.slice(eq + 1), escape) };
  });
}

/** Labels a stage sets, following FROM <earlier stage> chains, later values winning (as in the image config). */
export function stageLabels(df: Dockerfile, stage: Stage): Record<string, string> {
  const parent = parentStage(df, stage);
  const labels: Record<string, string> = parent ? stageLabels(df, parent) : {};
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'LABEL') continue;
    for (const { key, value } of keyValues(instruction, df.escape)) labels[key] = value;
  }
  return labels;
}

export interface ArgDeclaration {
  name: string;
  /** Default value, unquoted; undefined for `ARG NAME`. */
  defaultValue?: string;
  line: number;
}

/** Names (and defaults) declared by ARG instructions. */
export function argDeclarations(instructions: Instruction[], escape = '\\'): ArgDeclaration[] {
  const out: ArgDeclaration[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword !== 'ARG') continue;
    for (const word of splitWords(instruction.args, escape)) {
      const eq = word.indexOf('=');
      out.push(
        eq === -1
          ? { name: word, line: instruction.startLine }
          : { name: word.slice(0, eq), defaultValue: unquote(word.slice(eq + 1), escape), line: instruction.startLine },
      );
    }
  }
  return out;
}

/** True when the stage itself declares `ARG <name>` (global ARGs are not visible inside a stage without it). */
export function stageDeclaresArg(stage: Stage, name: string): boolean {
  return argDeclarations(stage.instructions).some((a) => a.name === name);
}

/** True when the stage runs commands, i.e. needs emulation when built for a foreign platform. */
export function stageHasRun(stage: Stage): boolean {
  return stage.instructions.some((i) => i.keyword === 'RUN');
}

/** True when the stage runs on the build machine's platform (`FROM --platform=$BUILDPLATFORM`). */
export function stageOnBuildPlatform(stage: Stage): boolean {
  return /^\$\{?BUILDPLATFORM\}?$/.test(stage.platform ?? '');
}

/** Instructions of one keyword in a stage. */
export function stageInstructions(stage: Stage, keyword: string): Instruction[] {
  const wanted = keyword.toUpperCase();
  return stage.instructions.filter((i) => i.keyword === wanted);
}

/**
 * Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}` from `values`
 * (e.g. global ARG defaults merged with build args). Unknown names become empty, as in BuildKit.
 */
export function expandVariables(text: string, values: Record<string, string | undefined>): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const value = values[(braced ?? bare) as string];
      if (op === '-') return value ? value : (word ?? '');
      if (op === '+') return value ? (word ?? '') : '';
      return value ?? '';
    },
  );
}

/** Global ARG defaults overridden by build args: the values FROM lines see. */
export function globalArgValues(df: Dockerfile, buildArgs: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  for (const arg of argDeclarations(df.globalArgs, df.escape)) {
    const value =
      buildArgs[arg.name] ?? (arg.defaultValue !== undefined ? expandVariables(arg.defaultValue, values) : undefined);
    if (value !== undefined) values[arg.name] = value;
  }
  return values;
}
