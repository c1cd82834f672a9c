import { adviseBuildxFailure, describeBuildxFailure } from './failure-advice';

const ctx = { context: 'packages/my-ext', dockerfile: 'packages/my-ext/Dockerfile' };

// Outputs captured from buildx 0.13.1 + dockerd 26.1 on the test bed (build ids shortened).
const MISSING_COPY = `#8 [linux/amd64 1/2] COPY missing.txt /
#8 ERROR: failed to calculate checksum of ref zjsp::i9u4: "/missing.txt": not found

#9 [linux/arm64 1/2] COPY missing.txt /
#9 ERROR: failed to calculate checksum of ref zjsp::i9u4: "/missing.txt": not found
------
 > [linux/amd64 1/2] COPY missing.txt /:
------
Dockerfile:2
--------------------
   1 |     FROM alpine
   2 | >>> COPY missing.txt /
   3 |     
--------------------
ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref zjsp::i9u4: "/missing.txt": not found`;

const NO_MATCH = `#2 [linux/arm64 internal] load metadata for 127.0.0.1:5000/nxde-scratch/amd64only:1
#2 ERROR: no match for platform in manifest: not found

#3 [linux/amd64 internal] load metadata for 127.0.0.1:5000/nxde-scratch/amd64only:1
#3 CANCELED
------
 > [linux/arm64 internal] load metadata for 127.0.0.1:5000/nxde-scratch/amd64only:1:
------
ERROR: failed to solve: 127.0.0.1:5000/nxde-scratch/amd64only:1: failed to resolve source metadata for 127.0.0.1:5000/nxde-scratch/amd64only:1: no match for platform in manifest: not found`;

const UNAUTHORIZED = `#2 [internal] load metadata for 127.0.0.1:5001/testbed/busybox:1
#2 ERROR: unexpected status from HEAD request to http://127.0.0.1:5001/v2/testbed/busybox/manifests/1: 401 Unauthorized
ERROR: failed to solve: 127.0.0.1:5001/testbed/busybox:1: failed to resolve source metadata for 127.0.0.1:5001/testbed/busybox:1: unexpected status from HEAD request to http://127.0.0.1:5001/v2/testbed/busybox/manifests/1: 401 Unauthorized`;

const SBOM_OFFLINE = `ERROR: failed to solve: failed to resolve source metadata for docker.io/docker/buildkit-syft-scanner:stable-1: failed to do request: Head "https://registry-1.docker.io/v2/docker/buildkit-syft-scanner/manifests/stable-1": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host`;

const BASE_MISSING = `ERROR: failed to solve: 127.0.0.1:5000/nxde-scratch/amd64only:1: failed to resolve source metadata for 127.0.0.1:5000/nxde-scratch/amd64only:1: 127.0.0.1:5000/nxde-scratch/amd64only:1: not found`;

// Messages buildx 0.13 prints for the docker driver with the classic image store (strings of the buildx binary).
const DOCKER_DRIVER_MULTI = `ERROR: Multi-platform build is not supported for the docker driver.
Switch to a different driver, or turn on the containerd image store, and try again.
Learn more at https://docs.docker.com/go/build-multi-platform/`;
const DOCKER_EXPORTER = `ERROR: docker exporter does not currently support exporting manifest lists`;

describe('adviseBuildxFailure', () => {
  it('explains a COPY source missing from the context, keeping buildx’s line', () => {
    const [advice, ...rest] = adviseBuildxFailure(MISSING_COPY, ctx);
    expect(rest).toEqual([]);
    expect(advice.line).toMatch(/^ERROR: failed to solve: failed to compute cache key: .*"\/missing.txt": not found$/);
    expect(advice.advice).toContain("'missing.txt' is not in the build context packages/my-ext (COPY missing.txt /)");
    expect(advice.advice).toContain('ls packages/my-ext/missing.txt');
    expect(advice.advice).toContain('.dockerignore');
  });

  it('says which stage lacks the file for COPY --from', () => {
    const output = MISSING_COPY.replace('2 | >>> COPY missing.txt /', '2 | >>> COPY --from=ui /out/missing.txt /');
    expect(adviseBuildxFailure(output, ctx)[0].advice).toBe(
      "'missing.txt' does not exist in 'ui' (COPY --from=ui /out/missing.txt /). Check the path inside that stage or image.",
    );
  });

  it('names the base image and the platform it lacks', () => {
    const [advice, ...rest] = adviseBuildxFailure(NO_MATCH, ctx);
    expect(rest).toEqual([]);
    expect(advice.line).toContain('no match for platform in manifest');
    expect(advice.advice).toContain('127.0.0.1:5000/nxde-scratch/amd64only:1 has no variant for linux/arm64');
    expect(advice.advice).toContain('docker buildx imagetools inspect 127.0.0.1:5000/nxde-scratch/amd64only:1');
    expect(advice.advice).toContain('FROM --platform=$BUILDPLATFORM');
  });

  it('tells which registry to log in to on 401', () => {
    const [advice, ...rest] = adviseBuildxFailure(UNAUTHORIZED, ctx);
    expect(rest).toEqual([]);
    expect(advice.line).toMatch(/^ERROR: failed to solve: .*401 Unauthorized$/);
    expect(advice.advice).toContain('docker login 127.0.0.1:5001');
  });

  it('explains the docker driver without the containerd store and the manifest-list exporter', () => {
    const [multi] = adviseBuildxFailure(DOCKER_DRIVER_MULTI, ctx);
    expect(multi.line).toBe('ERROR: Multi-platform build is not supported for the docker driver.');
    expect(multi.advice).toContain('Multi-platform build needs more than the docker driver');
    expect(multi.advice).toContain('"containerd-snapshotter": true');
    expect(multi.advice).toContain('docker buildx create --name multiarch --driver docker-container');
    const [load] = adviseBuildxFailure(DOCKER_EXPORTER, ctx);
    expect(load.line).toBe(DOCKER_EXPORTER);
    expect(load.advice).toContain('containerd image store');
  });

  it('points sbom at its scanner image when the builder cannot pull it', () => {
    const advice = adviseBuildxFailure(SBOM_OFFLINE, ctx);
    expect(advice.map((a) => a.advice)).toEqual([expect.stringContaining('"sbom": false')]);
  });

  it('explains a # syntax= frontend image that cannot be fetched', () => {
    const output = `#2 resolve image config for docker-image://docker.io/docker/dockerfile:1
#2 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/docker/dockerfile/manifests/1": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host
ERROR: failed to solve: docker/dockerfile:1: failed to resolve source metadata for docker.io/docker/dockerfile:1: failed to do request: Head "https://registry-1.docker.io/v2/docker/dockerfile/manifests/1": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host`;
    const advice = adviseBuildxFailure(output, ctx);
    expect(advice).toHaveLength(1);
    expect(advice[0].line).toMatch(/^ERROR: failed to solve: docker\/dockerfile:1: /);
    expect(advice[0].advice).toContain("Remove the line to use the engine's built-in Dockerfile frontend");
  });

  it('says a base image does not exist', () => {
    const [advice] = adviseBuildxFailure(BASE_MISSING, ctx);
    expect(advice.advice).toBe(
      'Base image 127.0.0.1:5000/nxde-scratch/amd64only:1 does not exist (or needs a login). Check: docker buildx imagetools inspect 127.0.0.1:5000/nxde-scratch/amd64only:1',
    );
  });

  it('suggests a build context when a registry is unreachable', () => {
    const line =
      'ERROR: failed to solve: alpine: failed to resolve source metadata for docker.io/library/alpine:latest: failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/latest": dial tcp: lookup registry-1.docker.io: no such host';
    const [advice] = adviseBuildxFailure(line, ctx);
    expect(advice.advice).toContain('docker.io/library/alpine:latest is not reachable');
    expect(advice.advice).toContain('"buildContexts"');
  });

  it('recognises nothing in an ordinary RUN failure', () => {
    expect(
      adviseBuildxFailure(
        'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
        ctx,
      ),
    ).toEqual([]);
  });
});

describe('describeBuildxFailure', () => {
  it('prints buildx’s line, then the advice', () => {
    const text = describeBuildxFailure(UNAUTHORIZED, ctx, 1);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'docker buildx build failed (exit 1).',
      expect.stringMatching(/^ {2}buildx: ERROR: failed to solve: .*401 Unauthorized$/),
      expect.stringMatching(/^ {2}→ The registry 127\.0\.0\.1:5001 refused access/),
    ]);
  });

  it('falls back to buildx’s ERROR lines', () => {
    const text = describeBuildxFailure(
      '#5 RUN false\nERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1\n',
      ctx,
      1,
    );
    expect(text).toBe(
      'docker buildx build failed (exit 1).\n  buildx: ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
    );
  });
});
