import { createBuilderCommand } from './builder';

/** What the failed build was about, so advice can name the user's own paths. */
export interface FailureContext {
  /** Build context directory as given to buildx. */
  context: string;
  dockerfile: string;
}

/** One recognised failure: buildx's original line, and what to do about it. */
export interface FailureAdvice {
  line: string;
  advice: string;
}

export const CONTAINERD_STORE_FIX =
  `Turn on the containerd image store. Docker Desktop: Settings → General → "Use containerd for pulling and storing images".\n` +
  `Linux: add {"features": {"containerd-snapshotter": true}} to /etc/docker/daemon.json, then: sudo systemctl restart docker\n` +
  `Or build with a docker-container builder: ${createBuilderCommand()}\n` +
  `and set the build option "builder": "multiarch".`;

const QEMU_FIX =
  `Install QEMU emulation: sudo apt-get install qemu-user-static binfmt-support   (or: docker run --privileged --rm tonistiigi/binfmt --install all)\n` +
  `Or move RUN steps into a stage 'FROM --platform=$BUILDPLATFORM …' so only COPY runs per platform.`;

function registryOf(text: string): string | undefined {
  const url = /https?:\/\/([^/\s"']+)/.exec(text)?.[1];
  if (url) return /(^|\.)docker\.io$/.test(url) ? 'docker.io' : url;
  const ref = /(?:for|solve:)\s+([a-z0-9.-]+(?::\d+)?)\/\S+/i.exec(text)?.[1];
  return ref && /[.:]|^localhost$/.test(ref) ? ref : ref ? 'docker.io' : undefined;
}

/** The image named in `… source metadata for <ref>: …`. */
function imageOf(text: string): string | undefined {
  return /source metadata for (\S+?):\s/.exec(text)?.[1] ?? /failed to solve: (\S+?): /.exec(text)?.[1];
}

/** Platform of the build step whose id (`#12`) carries the error, from its `#12 [linux/arm64 …]` line. */
function platformOfStep(output: string, line: string): string | undefined {
  const id = /^#(\d+) /.exec(line)?.[1];
  if (!id) return undefined;
  const re = new RegExp(`^#${id} \\[(\\w+/[\\w/]+)[ \\]]`, 'm');
  return re.exec(output)?.[1];
}

interface Rule {
  match: RegExp;
  advise: (line: string, output: string, ctx: FailureContext) => string;
}

const RULES: Rule[] = [
  {
    match: /(.+?) is not supported for the (\S+?) driver/,
    advise: (line) => {
      const m = /(?:ERROR:\s*)?(.+?) is not supported for the (\S+?) driver/.exec(line);
      return `${m?.[1] ?? 'This'} needs more than the ${m?.[2] ?? 'docker'} driver with the engine's classic image store offers.\n${CONTAINERD_STORE_FIX}`;
    },
  },
  {
    match: /docker exporter does not (?:currently )?support exporting manifest lists/,
    advise: () =>
      `Loading a multi-platform image into the engine needs the containerd image store; ` +
      `the classic store takes one platform.\n${CONTAINERD_STORE_FIX}\nOr build without "load".`,
  },
  {
    match: /multiple outputs currently unsupported/,
    advise: () =>
      `This builder's BuildKit is older than 0.13 and takes one output. Update Docker (or the builder: docker buildx rm <builder> && ${createBuilderCommand('<builder>')}), or build without "load".`,
  },
  {
    match: /no match for platform in manifest/,
    advise: (line, output) => {
      const image = imageOf(line) ?? 'A base image';
      const platform = platformOfStep(
        output,
        output.split('\n').find((l) => /^#\d+ ERROR: no match for platform/.test(l)) ?? '',
      );
      return (
        `${image} has no variant for ${platform ?? 'one of the platforms being built'}. See what it offers: docker buildx imagetools inspect ${image === 'A base image' ? '<image>' : image}\n` +
        `Use a base image published for every platform in "platforms", or run build-only stages on the build machine with FROM --platform=$BUILDPLATFORM.`
      );
    },
  },
  {
    match:
      /docker\/dockerfile[:@]\S*: .*(?:dial tcp|no such host|i\/o timeout|connection refused|not found|401|unauthorized)/i,
    advise: () =>
      `The Dockerfile's '# syntax=docker/dockerfile:…' line makes BuildKit fetch that frontend image first, and it cannot.\n` +
      `Remove the line to use the engine's built-in Dockerfile frontend, or mirror the image and set\n` +
      `"buildContexts": { "docker/dockerfile:1": "docker-image://<mirror>/docker/dockerfile:1" }.`,
  },
  {
    match: /syft-scanner/,
    advise: () =>
      `"sbom": true runs the scanner image docker/buildkit-syft-scanner, which this builder cannot pull. ` +
      `Set "sbom": false, or make the image reachable (a registry mirror).`,
  },
  {
    match:
      /\b401\b|unauthorized|authentication required|pull access denied|denied: requested access|insufficient_scope/i,
    advise: (line) => {
      const registry = registryOf(line);
      return (
        `The registry${registry ? ` ${registry}` : ''} refused access (pulling a base image or cache, or pushing cache).\n` +
        `Log in: docker login${registry && registry !== 'docker.io' ? ` ${registry}` : ''}   ` +
        `(a private or misspelled repository answers the same way; check the image name).`
      );
    },
  },
  {
    match: /failed to compute cache key: .*"([^"]+)": not found/,
    advise: (line, output, ctx) => {
      const path = /"\/?([^"]+)": not found/.exec(line)?.[1] ?? '?';
      const step = output.split('\n').find((l) => /^\s*\d+ \| >>>/.test(l));
      const instruction = step?.replace(/^\s*\d+ \| >>>\s*/, '').trim();
      const from = instruction ? /--from=(\S+)/.exec(instruction)?.[1] : undefined;
      if (from) {
        return `'${path}' does not exist in '${from}' (${instruction}). Check the path inside that stage or image.`;
      }
      return (
        `'${path}' is not in the build context ${ctx.context}${instruction ? ` (${instruction})` : ''}.\n` +
        `Paths in COPY/ADD are relative to the context, not to the Dockerfile; check: ls ${joinPath(ctx.context, path)}\n` +
        `and that .dockerignore in the context does not exclude it.`
      );
    },
  },
  {
    match: /exec format error/,
    advise: () => `A RUN step started a program built for another CPU, and nothing emulates that CPU.\n${QEMU_FIX}`,
  },
  {
    match: /source metadata for \S+: .*(?:dial tcp|no such host|i\/o timeout|connection refused|TLS handshake timeout)/,
    advise: (line) => {
      const image = imageOf(line) ?? 'a base image';
      return (
        `The registry of ${image} is not reachable from the builder. Check the network or proxy, or substitute a reachable image ` +
        `without editing the Dockerfile: "buildContexts": { "<name in FROM>": "docker-image://<reachable image>" }.`
      );
    },
  },
  {
    match: /source metadata for \S+: .*(?:not found|manifest unknown|name unknown)/,
    advise: (line) => {
      const image = imageOf(line) ?? '<image>';
      return `Base image ${image} does not exist (or needs a login). Check: docker buildx imagetools inspect ${image}`;
    },
  },
];

function joinPath(dir: string, path: string): string {
  return dir === '.' || dir === '' ? path : `${dir.replace(/\/+$/, '')}/${path}`;
}

/** Recognised failures in buildx's output, each with buildx's own line kept. Pure; unit-tested on real outputs. */
export function adviseBuildxFailure(output: string, ctx: FailureContext): FailureAdvice[] {
  const lines = output.split(/\r?\n/);
  const found: FailureAdvice[] = [];
  const claimed = new Set<number>();
  for (const rule of RULES) {
    // The last matching line is buildx's final `ERROR:`; step lines (`#5 ERROR: …`) repeat it earlier.
    const matching = lines.flatMap((l, i) => (!claimed.has(i) && rule.match.test(l) ? [i] : []));
    if (matching.length === 0) continue;
    matching.forEach((i) => claimed.add(i));
    const line = lines[matching[matching.length - 1]];
    found.push({ line: line.trim(), advice: rule.advise(line, output, ctx) });
  }
  return found;
}

/** The message printed for a failed build: the advice, or buildx's own error lines when nothing matched. */
export function describeBuildxFailure(output: string, ctx: FailureContext, exitCode: number | null): string {
  const advice = adviseBuildxFailure(output, ctx);
  const head = `docker buildx build failed (${exitCode === null ? 'killed' : `exit ${exitCode}`}).`;
  if (advice.length > 0) {
    return [
      head,
      ...advice.map(
        (a) =>
          `  buildx: ${a.line}\n` +
          a.advice
            .split('\n')
            .map((l, i) => `  ${i === 0 ? '→ ' : '  '}${l}`)
            .join('\n'),
      ),
    ].join('\n');
  }
  const errors = output
    .split(/\r?\n/)
    .filter((l) => /^(ERROR|error):/.test(l.trim()))
    .map((l) => `  buildx: ${l.trim()}`);
  return [head, ...(errors.length ? errors : ['  (buildx printed no ERROR line; its output is above)'])].join('\n');
}
