import type { Builder } from './builder';
import { rewriteTimestampSupport } from './reproducible';

const engine = (version: string) => ({ version, platform: 'linux/amd64' });
const container = (buildkitVersion?: string): Builder => ({
  name: 'ci',
  driver: 'docker-container',
  nodes: [{ name: 'ci0', platforms: ['linux/amd64'], buildkitVersion }],
});
const docker: Builder = { name: 'default', driver: 'docker', nodes: [{ name: 'default', platforms: [] }] };

describe('rewriteTimestampSupport', () => {
  it("judges the docker driver by the engine's version (BuildKit 0.13 came with Engine 26)", () => {
    expect(rewriteTimestampSupport(docker, engine('26.1.5+dfsg1'))).toEqual({ supported: true });
    expect(rewriteTimestampSupport(docker, engine('27.3.1'))).toEqual({ supported: true });
    expect(rewriteTimestampSupport(docker, engine('25.0.3'))).toEqual({
      supported: false,
      why: 'Docker Engine 25.0.3 embeds a BuildKit older than 0.13',
    });
  });

  it("judges other drivers by each node's BuildKit, and tries when a node does not say", () => {
    expect(rewriteTimestampSupport(container('v0.16.0'), engine('25.0.0'))).toEqual({ supported: true });
    expect(rewriteTimestampSupport(container('v0.12.5'), engine('27.0.0'))).toEqual({
      supported: false,
      why: 'builder node ci0 runs BuildKit v0.12.5',
    });
    expect(rewriteTimestampSupport(container('v0.0.0+unknown'), engine('27.0.0'))).toEqual({ supported: true });
    expect(rewriteTimestampSupport(container(undefined), engine('27.0.0'))).toEqual({ supported: true });
  });
});
