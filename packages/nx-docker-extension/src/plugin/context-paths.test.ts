import { parseDockerfile } from '../dockerfile';
import { contextPaths, literalPath } from './context-paths';

const paths = (text: string) =>
  contextPaths(parseDockerfile(text)).map(({ context, path, exact }) => ({ context, path, exact }));

describe('literalPath', () => {
  it.each([
    ['ui/dist', 'ui/dist', true],
    ['./ui/dist/', 'ui/dist', true],
    ['/metadata.json', 'metadata.json', true],
    ['.', '', true],
    ['ui/dist/*.js', 'ui/dist', false],
    ['binaries/${TARGETOS}-${TARGETARCH}/kubectl', 'binaries', false],
    ['*.json', '', false],
    ['../../outside', 'outside', true],
  ])('%s -> %j', (source, path, exact) => {
    expect(literalPath(source)).toEqual({ path, exact });
  });
});

describe('contextPaths', () => {
  it('lists COPY and ADD sources of every stage, in order', () => {
    const text = [
      'FROM --platform=$BUILDPLATFORM golang AS backend',
      'COPY backend/go.mod backend/main.go ./',
      'FROM alpine',
      'COPY --chmod=0755 metadata.json docker.svg /',
      'ADD ["ui/dist", "/ui"]',
    ].join('\n');
    expect(paths(text)).toEqual([
      { context: undefined, path: 'backend/go.mod', exact: true },
      { context: undefined, path: 'backend/main.go', exact: true },
      { context: undefined, path: 'metadata.json', exact: true },
      { context: undefined, path: 'docker.svg', exact: true },
      { context: undefined, path: 'ui/dist', exact: true },
    ]);
  });

  it('skips files from other stages and images, URLs and heredocs; keeps named contexts', () => {
    const text = [
      'FROM alpine AS build',
      'RUN echo',
      'FROM alpine',
      'COPY --from=build /out /out',
      'COPY --from=0 /out /out2',
      'COPY --from=docker.io/library/busybox:1 /bin/busybox /bin/',
      'ADD https://example.com/kubectl /usr/bin/',
      'COPY <<EOF /etc/conf',
      'x',
      'EOF',
      'COPY --from=ui-bundle . /ui',
    ].join('\n');
    expect(paths(text)).toEqual([{ context: 'ui-bundle', path: '', exact: true }]);
  });

  it('reads RUN bind mounts (the default mount type), not cache or secret mounts', () => {
    const text = [
      'FROM golang AS build',
      'RUN --mount=type=cache,target=/root/.cache --mount=target=/src/go.mod,source=backend/go.mod go build',
      'RUN --mount=type=bind,target=/src go build',
      'RUN --mount=type=secret,id=token cat /run/secrets/token',
      'RUN --mount=type=bind,from=build,source=/out,target=/x ls',
    ].join('\n');
    expect(paths(text)).toEqual([
      { context: undefined, path: 'backend/go.mod', exact: true },
      { context: undefined, path: '', exact: true },
    ]);
  });
});
