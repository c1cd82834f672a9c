import { parseDockerfile } from './parse';
import {
  argDeclarations,
  copySpec,
  expandVariables,
  finalStage,
  findStage,
  flagValue,
  globalArgValues,
  keyValues,
  stageDeclaresArg,
  stageHasRun,
  stageLabels,
  stageOnBuildPlatform,
} from './query';
import { DockerfileError } from './types';

const multiStage = [
  'ARG BASE=alpine:3.20',
  'FROM --platform=$BUILDPLATFORM busybox AS fetch',
  'ARG TARGETARCH',
  'RUN echo $TARGETARCH > /arch',
  'FROM ${BASE} AS base',
  'LABEL org.opencontainers.image.title="My extension" \\',
  '      com.docker.extension.categories=utility-tools,testing-tools',
  'FROM base',
  'LABEL org.opencontainers.image.title=\'Renamed\' com.docker.desktop.extension.api.version=">= 0.4.2"',
  'LABEL com.docker.extension.screenshots="[{\\"alt\\": \\"a\\", \\"url\\": \\"https://x/y.png\\"}]"',
  'COPY --from=fetch --chmod=0755 --link /arch /darwin/arch',
  'COPY ["a b", "/c d/"]',
  'ADD https://example.com/x.tgz /x/',
].join('\n');

describe('finalStage', () => {
  it('is the last FROM, or the named target', () => {
    const df = parseDockerfile(multiStage);
    expect(finalStage(df).index).toBe(2);
    expect(finalStage(df, 'FETCH').name).toBe('fetch');
    expect(findStage(df, 1)?.name).toBe('base');
  });

  it('refuses when there is no FROM, an unknown target, or an unterminated heredoc', () => {
    expect(() => finalStage(parseDockerfile('ARG X=1\n'))).toThrow(/no FROM instruction/);
    expect(() => finalStage(parseDockerfile(multiStage), 'nope')).toThrow(/target 'nope' is not a stage.*fetch, base/);
    expect(() => finalStage(parseDockerfile('FROM a\nRUN <<EOF\nFROM b\n'))).toThrow(DockerfileError);
  });
});

describe('instruction helpers', () => {
  const df = parseDockerfile(multiStage);
  const final = finalStage(df);

  it('reads COPY/ADD sources, destination and flags', () => {
    const [copy, jsonCopy, add] = final.instructions.filter((i) => i.keyword !== 'LABEL');
    expect(copySpec(copy)).toEqual({
      keyword: 'COPY',
      sources: ['/arch'],
      destination: '/darwin/arch',
      from: 'fetch',
      chmod: '0755',
      chown: undefined,
      link: true,
    });
    expect(copySpec(jsonCopy)).toMatchObject({ sources: ['a b'], destination: '/c d/', from: undefined, link: false });
    expect(copySpec(add)).toMatchObject({ keyword: 'ADD', sources: ['https://example.com/x.tgz'], destination: '/x/' });
    expect(copySpec(final.from)).toBeUndefined();
    expect(flagValue(copy, 'link')).toBe('');
    expect(flagValue(copy, 'chown')).toBeUndefined();
  });

  it('reads LABEL pairs with quotes and escapes, and the legacy one-pair form', () => {
    expect(keyValues(final.instructions[1])).toEqual([
      { key: 'com.docker.extension.screenshots', value: '[{"alt": "a", "url": "https://x/y.png"}]' },
    ]);
    const legacy = parseDockerfile('FROM a\nLABEL maintainer Jane  Doe\n').stages[0].instructions[0];
    expect(keyValues(legacy)).toEqual([{ key: 'maintainer', value: 'Jane  Doe' }]);
  });

  it('merges a stage labels with those of the stage it is built FROM', () => {
    expect(stageLabels(df, final)).toEqual({
      'org.opencontainers.image.title': 'Renamed',
      'com.docker.extension.categories': 'utility-tools,testing-tools',
      'com.docker.desktop.extension.api.version': '>= 0.4.2',
      'com.docker.extension.screenshots': '[{"alt": "a", "url": "https://x/y.png"}]',
    });
  });

  it('knows ARG and RUN presence and the build-platform marker per stage', () => {
    const [fetch, base] = df.stages;
    expect(stageDeclaresArg(fetch, 'TARGETARCH')).toBe(true);
    expect(stageDeclaresArg(final, 'TARGETARCH')).toBe(false);
    expect(stageHasRun(fetch)).toBe(true);
    expect(stageHasRun(base)).toBe(false);
    expect(stageOnBuildPlatform(fetch)).toBe(true);
    expect(stageOnBuildPlatform(final)).toBe(false);
    const multi = parseDockerfile('FROM a\nARG A B=2 C="x y"\n').stages[0].instructions;
    expect(argDeclarations(multi).map((a) => [a.name, a.defaultValue])).toEqual([
      ['A', undefined],
      ['B', '2'],
      ['C', 'x y'],
    ]);
  });

  it('expands FROM variables from global ARG defaults and build args', () => {
    expect(expandVariables(df.stages[1].baseImage, globalArgValues(df))).toBe('alpine:3.20');
    expect(expandVariables('${BASE}', globalArgValues(df, { BASE: 'busybox:1' }))).toBe('busybox:1');
    expect(expandVariables('golang:${GO:-1.22}-alpine $NONE.', {})).toBe('golang:1.22-alpine .');
  });
});
