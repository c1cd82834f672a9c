import { buildxBuildArgs, csvField, formatCommand } from './build-args';

const minimal = {
  dockerfile: 'packages/my-ext/Dockerfile',
  context: 'packages/my-ext',
  platforms: ['linux/amd64', 'linux/arm64'],
  tags: ['acme/my-ext:0.1.0'],
};

describe('buildxBuildArgs', () => {
  it('builds every platform into an OCI layout directory, attestations off unless asked', () => {
    expect(buildxBuildArgs({ ...minimal, ociDir: 'dist/packages/my-ext/image.building-x' })).toEqual([
      'buildx',
      'build',
      '--file',
      'packages/my-ext/Dockerfile',
      '--platform',
      'linux/amd64,linux/arm64',
      '--tag',
      'acme/my-ext:0.1.0',
      '--provenance=false',
      '--sbom=false',
      '--output',
      'type=oci,tar=false,dest=dist/packages/my-ext/image.building-x',
      'packages/my-ext',
    ]);
  });

  it('passes every option, maps sorted, secrets by reference only', () => {
    const args = buildxBuildArgs({
      ...minimal,
      tags: ['acme/my-ext:0.1.0', '127.0.0.1:5000/acme/my-ext:0.1.0'],
      builder: 'multiarch',
      target: 'final',
      buildArgs: { Z_LAST: 'z', A_FIRST: 'a=b' },
      buildContexts: { alpine: 'docker-image://127.0.0.1:5000/testbed/busybox:1', ui: 'packages/ui/dist' },
      secrets: { npmrc: { src: '/home/me/.npmrc' }, token: { env: 'GH_TOKEN' } },
      cacheFrom: ['type=registry,ref=r/c:cache'],
      cacheTo: ['type=registry,ref=r/c:cache,mode=max'],
      provenance: 'max',
      sbom: true,
      pull: true,
      noCache: true,
      progress: 'plain',
      ociDir: 'out',
      rewriteTimestamp: true,
      load: true,
    });
    expect(args).toEqual([
      'buildx',
      'build',
      '--builder',
      'multiarch',
      '--file',
      'packages/my-ext/Dockerfile',
      '--platform',
      'linux/amd64,linux/arm64',
      '--tag',
      'acme/my-ext:0.1.0',
      '--tag',
      '127.0.0.1:5000/acme/my-ext:0.1.0',
      '--target',
      'final',
      '--build-arg',
      'A_FIRST=a=b',
      '--build-arg',
      'Z_LAST=z',
      '--build-context',
      'alpine=docker-image://127.0.0.1:5000/testbed/busybox:1',
      '--build-context',
      'ui=packages/ui/dist',
      '--secret',
      'id=npmrc,src=/home/me/.npmrc',
      '--secret',
      'id=token,env=GH_TOKEN',
      '--cache-from',
      'type=registry,ref=r/c:cache',
      '--cache-to',
      'type=registry,ref=r/c:cache,mode=max',
      '--provenance=mode=max',
      '--sbom=true',
      '--pull',
      '--no-cache',
      '--progress',
      'plain',
      '--output',
      'type=oci,tar=false,dest=out,rewrite-timestamp=true',
      '--load',
      'packages/my-ext',
    ]);
  });

  it('a second build that only loads has no OCI output', () => {
    const args = buildxBuildArgs({ ...minimal, platforms: ['linux/arm64'], load: true });
    expect(args).not.toContain('--output');
    expect(args.slice(-2)).toEqual(['--load', 'packages/my-ext']);
    expect(args).toContain('linux/arm64');
  });

  it('provenance true is buildx’s default mode', () => {
    expect(buildxBuildArgs({ ...minimal, provenance: true })).toContain('--provenance=true');
  });

  it('quotes comma-holding paths so buildx’s CSV flags read them whole', () => {
    const args = buildxBuildArgs({ ...minimal, ociDir: 'dist/a,b/image', secrets: { s: { src: '/x/"q",y' } } });
    expect(args).toContain('type=oci,tar=false,"dest=dist/a,b/image"');
    expect(args).toContain('id=s,"src=/x/""q"",y"');
    expect(csvField('plain')).toBe('plain');
  });
});

describe('formatCommand', () => {
  it('quotes only what a shell would misread', () => {
    expect(formatCommand('docker', ['buildx', 'build', '--build-arg', 'MSG=hello world', "it's", 'a=b,c'])).toBe(
      `docker buildx build --build-arg 'MSG=hello world' 'it'\\''s' a=b,c`,
    );
  });
});
