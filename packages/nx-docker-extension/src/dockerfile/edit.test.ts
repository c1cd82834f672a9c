import { continued, insertIntoFinalStage, insertLines, insertStageBeforeFinal } from './edit';
import { parseDockerfile } from './parse';

const userFile = [
  '# syntax=docker/dockerfile:1',
  'ARG GO=1.22',
  'FROM --platform=$BUILDPLATFORM golang:${GO}-alpine AS builder',
  'RUN go build -o /service . \\',
  '    # odd spacing kept    ',
  '    && true',
  '',
  '# The extension image',
  '# (keep this comment with its FROM)',
  'FROM alpine:3.20',
  'LABEL org.opencontainers.image.title="x"',
  'COPY metadata.json .',
  'COPY --from=builder /service /',
  'CMD ["/service"]',
  '',
].join('\n');

const stage = 'FROM --platform=$BUILDPLATFORM alpine:3.20 AS host-binaries\nARG TARGETARCH\nCOPY binaries/ /out/';

describe('insertStageBeforeFinal', () => {
  it('adds the stage above the final FROM and its comments, keeping every other line', () => {
    const out = insertStageBeforeFinal(parseDockerfile(userFile), stage);
    const before = userFile.split('\n');
    const after = out.split('\n');
    expect(after.slice(0, 7)).toEqual(before.slice(0, 7));
    expect(after.slice(7, 11)).toEqual([...stage.split('\n'), '']);
    expect(after.slice(11)).toEqual(before.slice(7));
    const df = parseDockerfile(out);
    expect(df.stages.map((s) => s.name)).toEqual(['builder', 'host-binaries', undefined]);
  });

  it('writes the file own line endings and escape-joined continuations', () => {
    const crlf = 'FROM a AS one\r\nFROM b\r\nRUN x\r\n';
    const out = insertStageBeforeFinal(parseDockerfile(crlf), 'FROM c AS two\nRUN y');
    expect(out).toBe('FROM a AS one\r\n\r\nFROM c AS two\r\nRUN y\r\n\r\nFROM b\r\nRUN x\r\n');
    expect(continued(['RUN a', '&& b'], '`')).toBe('RUN a `\n    && b');
  });

  it('refuses a stage name already taken, text that is not one stage, and a file without a final stage', () => {
    const df = parseDockerfile(userFile);
    expect(() => insertStageBeforeFinal(df, 'FROM x AS Builder')).toThrow(
      /already has a stage named 'Builder' \(line 3\)/,
    );
    expect(() => insertStageBeforeFinal(df, 'RUN x')).toThrow(/exactly one FROM stage/);
    expect(() => insertStageBeforeFinal(parseDockerfile('# empty\n'), stage)).toThrow(
      /cannot tell which stage is final/,
    );
  });

  it('does not move parser directives when the final stage is the first', () => {
    const out = insertStageBeforeFinal(parseDockerfile('# syntax=docker/dockerfile:1\nFROM a\n'), 'FROM b AS s');
    expect(out).toBe('# syntax=docker/dockerfile:1\n\nFROM b AS s\n\nFROM a\n');
  });
});

describe('insertIntoFinalStage', () => {
  it('appends after the last instruction or after the last COPY', () => {
    const df = parseDockerfile(userFile);
    const line = 'COPY --from=host-binaries --chmod=0755 /out/ /';
    const atEnd = insertIntoFinalStage(df, line).split('\n');
    expect(atEnd.slice(13, 16)).toEqual(['CMD ["/service"]', line, '']);
    const afterCopy = insertIntoFinalStage(df, line, 'after-last-copy').split('\n');
    expect(afterCopy.slice(12, 15)).toEqual(['COPY --from=builder /service /', line, 'CMD ["/service"]']);
  });

  it('gives a last line without a newline its newline and keeps the file without a trailing one', () => {
    const out = insertIntoFinalStage(parseDockerfile('FROM a\nRUN x'), 'RUN y');
    expect(out).toBe('FROM a\nRUN x\nRUN y');
  });

  it('inserts after a heredoc body, not inside it', () => {
    const out = insertIntoFinalStage(parseDockerfile('FROM a\nRUN <<EOF\necho\nEOF\n'), 'RUN y');
    expect(out).toBe('FROM a\nRUN <<EOF\necho\nEOF\nRUN y\n');
  });
});

describe('insertLines', () => {
  it('rejects a line outside the file', () => {
    expect(() => insertLines(parseDockerfile('FROM a\n'), 9, 'x')).toThrow(/has 1 lines/);
  });
});
