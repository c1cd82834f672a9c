import type { Builder } from './builder';
import type { Engine } from './engine';

// `rewrite-timestamp` (clamping file times in layers to SOURCE_DATE_EPOCH) arrived in BuildKit 0.13, which
// Docker Engine 26 embeds. Without it SOURCE_DATE_EPOCH still fixes the config's dates, but not the layers'.
const MIN_BUILDKIT: [number, number] = [0, 13];
const MIN_ENGINE = 26;

function majorMinor(version: string | undefined): [number, number] | undefined {
  if (!version || /\+unknown$|^v?0\.0\.0\b/.test(version)) return undefined; // some distributions' builds
  const m = /(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const older = (v: [number, number], min: [number, number]) => v[0] < min[0] || (v[0] === min[0] && v[1] < min[1]);

/**
 * Whether the builder can rewrite layer timestamps. A version it does not report counts as able: buildx then
 * fails loudly on the option rather than building an image that only looks reproducible.
 */
export function rewriteTimestampSupport(builder: Builder, engine: Engine): { supported: boolean; why?: string } {
  if (builder.driver === 'docker') {
    const v = majorMinor(engine.version);
    return v && v[0] < MIN_ENGINE
      ? { supported: false, why: `Docker Engine ${engine.version} embeds a BuildKit older than 0.13` }
      : { supported: true };
  }
  for (const node of builder.nodes) {
    const v = majorMinor(node.buildkitVersion);
    if (v && older(v, MIN_BUILDKIT)) {
      return { supported: false, why: `builder node ${node.name} runs BuildKit ${node.buildkitVersion}` };
    }
  }
  return { supported: true };
}
