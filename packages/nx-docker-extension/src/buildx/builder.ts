import { runProcess } from '../process/run-process';
import { BuildxError } from './buildx-error';

/** One BuildKit node of a builder, as `docker buildx inspect` shows it. */
export interface BuilderNode {
  name: string;
  endpoint?: string;
  /** `running`, `inactive`, `stopped`, … */
  status?: string;
  buildkitVersion?: string;
  /** Platforms the node says it can run (`*` marks removed). */
  platforms: string[];
  /** A node error buildx reports instead of a status. */
  error?: string;
}

export interface Builder {
  name: string;
  /** `docker`, `docker-container`, `kubernetes`, `remote`, `cloud`. */
  driver: string;
  nodes: BuilderNode[];
}

/** Parses the text of `docker buildx inspect` (buildx has no JSON format for it before 0.14). */
export function parseBuilderInspect(text: string): Builder {
  const builder: Builder = { name: '', driver: '', nodes: [] };
  let inNodes = false;
  let node: BuilderNode | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (key === 'Nodes') inNodes = true;
    else if (!inNodes) {
      if (key === 'Name') builder.name = value;
      else if (key === 'Driver') builder.driver = value;
    } else if (key === 'Name') {
      node = { name: value, platforms: [] };
      builder.nodes.push(node);
    } else if (!node) continue;
    else if (key === 'Endpoint') node.endpoint = value;
    else if (key === 'Status') node.status = value;
    else if (key === 'BuildKit version' || key === 'Buildkit') node.buildkitVersion = value;
    else if (key === 'Error') node.error = value;
    else if (key === 'Platforms') {
      node.platforms = value
        .split(',')
        .map((p) => p.trim().replace(/\*$/, ''))
        .filter(Boolean);
    }
  }
  return builder;
}

/** Builder fixes, shared by the preflight and failure advice. */
export const createBuilderCommand = (name = 'multiarch') =>
  `docker buildx create --name ${name} --driver docker-container --platform linux/amd64,linux/arm64 --bootstrap`;

/**
 * Inspects (and starts, with --bootstrap) the named builder or the current one. A missing builder is one
 * clear error that lists what to run.
 */
export async function inspectBuilder(name?: string): Promise<Builder> {
  const args = ['buildx', 'inspect', '--bootstrap', ...(name ? [name] : [])];
  const result = await runProcess('docker', args, { timeoutMs: 180_000 });
  const output = `${result.stderr}\n${result.stdout}`;
  if (result.exitCode !== 0) {
    const what = name ? `Builder '${name}' (option builder)` : 'The current buildx builder';
    if (/no builder .* found/i.test(output)) {
      throw new BuildxError(
        `${what} does not exist.\n` +
          `  List the builders: docker buildx ls\n` +
          `  Create it:         ${createBuilderCommand(name)}\n` +
          `  Or leave out the builder option to use the current builder.`,
      );
    }
    throw new BuildxError(
      `${what} cannot be started: 'docker ${args.join(' ')}' failed${result.timedOut ? ' (timed out)' : ''}:\n` +
        indent(output.trim()) +
        `\n  Check it with: docker buildx inspect --bootstrap${name ? ` ${name}` : ''}`,
    );
  }
  const builder = parseBuilderInspect(result.stdout);
  if (!builder.driver) {
    throw new BuildxError(`Could not read the builder's driver from 'docker ${args.join(' ')}':\n${indent(output)}`);
  }
  return builder;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
