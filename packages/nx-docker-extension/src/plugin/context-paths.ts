import { posix } from 'node:path';
import { copySpec, findStage, type Dockerfile, type Instruction } from '../dockerfile';

/** A part of a build context a Dockerfile reads: a COPY/ADD source or a RUN bind mount. */
export interface ContextPath {
  /** Named build context (`COPY --from=<name>`, `--mount=…,from=<name>`); undefined for the main context. */
  context?: string;
  /** Path inside that context up to the first wildcard or variable; `''` is the whole context. */
  path: string;
  /** False when wildcards or variables followed `path`: then only what holds `path` is certain. */
  exact: boolean;
  /** Line of the instruction in the Dockerfile. */
  line: number;
}

const URL = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;
const UNCERTAIN = /[*?[$]/;

/** `ui/dist/**` → `ui/dist`, inexact; `/a/../b/` → `b`, exact. BuildKit clamps `..` at the context root. */
export function literalPath(source: string): { path: string; exact: boolean } {
  const segments = source.split('/');
  const cut = segments.findIndex((s) => UNCERTAIN.test(s));
  const literal = cut === -1 ? segments : segments.slice(0, cut);
  const path = posix.normalize(`/${literal.join('/')}`).replace(/^\/+|\/+$/g, '');
  return { path, exact: cut === -1 };
}

function mountOptions(value: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) options[part.trim()] = 'true';
    else options[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return options;
}

function fromContext(df: Dockerfile, from: string | undefined): { skip: boolean; context?: string } {
  if (from === undefined) return { skip: false };
  // A stage's files are not the context's; an image reference is not in the workspace.
  if (findStage(df, from) || /[:/@]/.test(from)) return { skip: true };
  return { skip: false, context: from };
}

function copyPaths(df: Dockerfile, instruction: Instruction): ContextPath[] {
  const spec = copySpec(instruction);
  if (!spec) return [];
  const { skip, context } = fromContext(df, spec.from);
  if (skip) return [];
  return spec.sources
    .filter((source) => !source.startsWith('<<') && !URL.test(source))
    .map((source) => ({ context, ...literalPath(source), line: instruction.startLine }));
}

function bindMountPaths(df: Dockerfile, instruction: Instruction): ContextPath[] {
  const paths: ContextPath[] = [];
  for (const flag of instruction.flags) {
    if (flag.name.toLowerCase() !== 'mount' || flag.value === undefined) continue;
    const options = mountOptions(flag.value);
    if ((options.type ?? 'bind') !== 'bind') continue;
    const { skip, context } = fromContext(df, options.from);
    if (skip) continue;
    paths.push({ context, ...literalPath(options.source ?? options.src ?? ''), line: instruction.startLine });
  }
  return paths;
}

/** Every place the Dockerfile reads from a build context, in file order. */
export function contextPaths(df: Dockerfile): ContextPath[] {
  const paths: ContextPath[] = [];
  for (const stage of df.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') paths.push(...copyPaths(df, instruction));
      else if (instruction.keyword === 'RUN') paths.push(...bindMountPaths(df, instruction));
    }
  }
  return paths;
}
