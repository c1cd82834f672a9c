import { parseDockerfile } from './parse';

describe('parseDockerfile', () => {
  it('reads global ARGs, stages with --platform and AS name, and line ranges', () => {
    const df = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG GO_VERSION=1.22',
        'ARG ALPINE=3.20',
        '',
        '# build the service',
        'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS Builder',
        'ARG TARGETOS TARGETARCH',
        'RUN go build -o /out/service .',
        '',
        'FROM alpine:${ALPINE}',
        'COPY --from=builder /out/service /service',
        '',
      ].join('\n'),
    );
    expect(df.directives).toEqual({ syntax: 'docker/dockerfile:1' });
    expect(df.globalArgs.map((a) => a.args)).toEqual(['GO_VERSION=1.22', 'ALPINE=3.20']);
    expect(df.stages).toHaveLength(2);
    const [builder, final] = df.stages;
    expect(builder).toMatchObject({
      index: 0,
      name: 'Builder',
      baseImage: 'golang:${GO_VERSION}-alpine',
      platform: '$BUILDPLATFORM',
      startLine: 6,
      endLine: 8,
    });
    expect(builder.instructions.map((i) => i.keyword)).toEqual(['ARG', 'RUN']);
    expect(final).toMatchObject({
      index: 1,
      name: undefined,
      baseImage: 'alpine:${ALPINE}',
      startLine: 10,
      endLine: 11,
    });
    expect(final.instructions[0].flags).toEqual([{ name: 'from', value: 'builder' }]);
    expect(df.problems).toEqual([]);
  });

  it('joins continuation lines, skipping comment and blank lines inside them, and keeps the raw text', () => {
    const text = 'FROM busybox\nRUN echo a \\\n  # a comment\n\n    && echo b \\  \n    && echo c\nCMD ["sh"]\n';
    const df = parseDockerfile(text);
    const run = df.stages[0].instructions[0];
    expect(run.keyword).toBe('RUN');
    expect(run.args).toBe('echo a     && echo b     && echo c');
    expect(run).toMatchObject({ startLine: 2, endLine: 6 });
    expect(run.raw).toBe('RUN echo a \\\n  # a comment\n\n    && echo b \\  \n    && echo c');
    expect(df.stages[0].instructions[1]).toMatchObject({ keyword: 'CMD', form: 'json', json: ['sh'], startLine: 7 });
  });

  it('honours the escape directive (backtick continuations, backslashes are literal)', () => {
    const df = parseDockerfile('# escape=`\nFROM mcr.microsoft.com/windows\nCOPY testfile.txt c:\\ `\n  d:\\x\n');
    expect(df.escape).toBe('`');
    const copy = df.stages[0].instructions[0];
    expect(copy.args).toBe('testfile.txt c:\\   d:\\x');
    expect(copy.endLine).toBe(4);
  });

  it('stops reading directives at the first other line, so a later "# escape=" is a comment', () => {
    const df = parseDockerfile('FROM busybox\n# escape=`\nRUN echo \\\n  hi\n');
    expect(df.escape).toBe('\\');
    expect(df.directives).toEqual({});
    expect(df.stages[0].instructions[0].args).toBe('echo   hi');
  });

  it('reads heredocs (several per line, <<- and quoted words) without taking their bodies as instructions', () => {
    const text = [
      'FROM busybox',
      'RUN <<EOF1 cat > /a && cat <<-"EOF2" > /b',
      'FROM not-a-stage',
      '# not a comment',
      'EOF1',
      '\tline b',
      '\tEOF2',
      'COPY <<EOF /etc/x.conf',
      'x=1',
      'EOF',
      'LABEL a=b',
    ].join('\n');
    const df = parseDockerfile(text);
    expect(df.stages).toHaveLength(1);
    const [run, copy, label] = df.stages[0].instructions;
    expect(run.heredocs).toEqual([
      { name: 'EOF1', body: 'FROM not-a-stage\n# not a comment', chomp: false, expand: true, startLine: 3, endLine: 5 },
      { name: 'EOF2', body: 'line b', chomp: true, expand: false, startLine: 6, endLine: 7 },
    ]);
    expect(run).toMatchObject({ startLine: 2, endLine: 7 });
    expect(copy).toMatchObject({ keyword: 'COPY', startLine: 8, endLine: 10 });
    expect(copy.heredocs[0].body).toBe('x=1');
    expect(label).toMatchObject({ keyword: 'LABEL', startLine: 11, endLine: 11 });
  });

  it('does not take a shift inside a word for a heredoc', () => {
    const df = parseDockerfile('FROM busybox\nRUN echo $((1<<2))\nRUN echo done\n');
    expect(df.stages[0].instructions.map((i) => i.heredocs.length)).toEqual([0, 0]);
  });

  it('reports an unterminated heredoc as a problem', () => {
    const df = parseDockerfile('FROM busybox\nRUN <<EOF\necho hi\n');
    expect(df.problems).toEqual([{ line: 2, message: "heredoc 'EOF' is never terminated" }]);
  });

  it('tells JSON form from shell form (invalid JSON is shell form, as in Docker)', () => {
    const df = parseDockerfile('FROM busybox\nCMD ["a", "b"]\nCMD [a, b]\nENTRYPOINT echo hi\nRUN ["x", 1]\n');
    expect(df.stages[0].instructions.map((i) => i.form)).toEqual(['json', 'shell', 'shell', 'shell']);
  });

  it('reads flags with values, bare flags, and flags spread over continuation lines', () => {
    const df = parseDockerfile(
      'FROM busybox\nCOPY --from=build --chmod=0755 --link \\\n   /out/a /bin/a\nRUN --mount=type=cache,target=/root/.cache -- echo --not-a-flag\n',
    );
    const [copy, run] = df.stages[0].instructions;
    expect(copy.flags).toEqual([{ name: 'from', value: 'build' }, { name: 'chmod', value: '0755' }, { name: 'link' }]);
    expect(copy.args).toBe('/out/a /bin/a');
    expect(run.flags).toEqual([{ name: 'mount', value: 'type=cache,target=/root/.cache' }]);
    expect(run.args).toBe('echo --not-a-flag');
  });

  it('accepts lower-case keywords, indented lines and CRLF line endings', () => {
    const df = parseDockerfile('from busybox as base\r\n   run echo hi\r\n\r\nFROM base\r\n');
    expect(df.eol).toBe('\r\n');
    expect(df.stages.map((s) => [s.name, s.baseImage])).toEqual([
      ['base', 'busybox'],
      [undefined, 'base'],
    ]);
    expect(df.stages[0].instructions[0]).toMatchObject({ keyword: 'RUN', args: 'echo hi', startLine: 2 });
  });

  it('lists instructions before the first FROM (other than ARG) and malformed FROM lines as problems', () => {
    const df = parseDockerfile('ENV A=1\nFROM\nFROM a b c\n');
    expect(df.problems.map((p) => p.line)).toEqual([1, 2, 3]);
  });

  it('handles an empty file and a file of comments', () => {
    expect(parseDockerfile('').stages).toEqual([]);
    expect(parseDockerfile('# just a note\n\n').instructions).toEqual([]);
  });

  it('ends a continuation at the end of the file', () => {
    const df = parseDockerfile('FROM busybox\nRUN echo hi \\\n');
    expect(df.stages[0].instructions[0]).toMatchObject({ args: 'echo hi', startLine: 2, endLine: 2 });
  });
});
