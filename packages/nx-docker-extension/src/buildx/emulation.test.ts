import { qemuBinfmtPath, targetPlatformRuns } from './emulation';

describe('targetPlatformRuns', () => {
  it('is empty when work runs on $BUILDPLATFORM and the final stage only copies (the generated layout)', () => {
    const text = `FROM --platform=$BUILDPLATFORM node:22-alpine AS ui
RUN npm ci && npm run build
FROM --platform=$BUILDPLATFORM golang:1.24 AS backend
ARG TARGETARCH
RUN GOARCH=$TARGETARCH go build -o /service
FROM alpine
COPY --from=backend /service /
COPY --from=ui /ui /ui
COPY metadata.json docker.svg /
`;
    expect(targetPlatformRuns(text)).toEqual([]);
  });

  it('finds RUN steps of the final stage and of target-platform stages it copies from', () => {
    const text = `FROM alpine AS tools
RUN apk add curl
FROM tools AS fetched
RUN curl -o /x https://example.com/x
FROM alpine AS unused
RUN echo never built
FROM alpine
COPY --from=fetched /x /x
RUN chmod +x /x
`;
    expect(targetPlatformRuns(text)).toEqual([
      { stage: 'tools', line: 2 },
      { stage: 'fetched', line: 4 },
      { stage: '#3', line: 9 },
    ]);
  });

  it('follows the target option and a stage built FROM a $BUILDPLATFORM stage', () => {
    const text = `FROM --platform=$BUILDPLATFORM alpine AS base
RUN echo native
FROM base AS still-native
RUN echo native too
FROM alpine AS final
COPY --from=still-native / /
FROM final AS debug
RUN echo emulated
`;
    expect(targetPlatformRuns(text, 'final')).toEqual([]);
    expect(targetPlatformRuns(text, 'debug')).toEqual([{ stage: 'debug', line: 8 }]);
  });

  it('names the Dockerfile when the target is not a stage', () => {
    expect(() => targetPlatformRuns('FROM alpine AS one\n', 'two', 'my-ext: packages/my-ext/Dockerfile')).toThrow(
      "my-ext: packages/my-ext/Dockerfile: target 'two' is not a stage of the Dockerfile (stages: one).",
    );
  });
});

describe('qemuBinfmtPath', () => {
  it('uses QEMU’s names for Go’s architectures', () => {
    expect(qemuBinfmtPath('arm64')).toBe('/proc/sys/fs/binfmt_misc/qemu-aarch64');
    expect(qemuBinfmtPath('amd64')).toBe('/proc/sys/fs/binfmt_misc/qemu-x86_64');
    expect(qemuBinfmtPath('mips99')).toBeUndefined();
  });
});
