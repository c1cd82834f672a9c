import { buildxVersionFrom, isAtLeast, parseBuildxVersion, readBuildxVersion } from './buildx-version';

describe('parseBuildxVersion', () => {
  it('reads Debian’s and Docker’s version lines', () => {
    expect(parseBuildxVersion('github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3\n')).toMatchObject({
      major: 0,
      minor: 13,
      patch: 1,
      text: 'github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3',
    });
    expect(parseBuildxVersion('github.com/docker/buildx v0.17.1 257815a')).toMatchObject({ major: 0, minor: 17 });
    expect(parseBuildxVersion("docker: 'buildx' is not a docker command.")).toBeUndefined();
  });

  it('compares major.minor', () => {
    expect(isAtLeast({ major: 0, minor: 13 }, { major: 0, minor: 10 })).toBe(true);
    expect(isAtLeast({ major: 0, minor: 9 }, { major: 0, minor: 10 })).toBe(false);
    expect(isAtLeast({ major: 1, minor: 0 }, { major: 0, minor: 13 })).toBe(true);
  });
});

describe('buildxVersionFrom', () => {
  it('accepts a new enough buildx', () => {
    const version = buildxVersionFrom({
      exitCode: 0,
      stdout: 'github.com/docker/buildx v0.13.1 788433953\n',
      stderr: '',
    });
    expect(version).toMatchObject({ major: 0, minor: 13, patch: 1 });
  });

  it("says buildx is missing, quoting docker's first line, with the install commands", () => {
    expect(() =>
      buildxVersionFrom({
        exitCode: 1,
        stdout: '',
        stderr: "docker: 'buildx' is not a docker command.\nSee 'docker --help'",
      }),
    ).toThrow(
      /^docker buildx is not available \('docker buildx version' said: docker: 'buildx' is not a docker command.\)\.\n {2}Fix: .*apt-get install docker-buildx-plugin/s,
    );
  });

  it('says an old buildx is too old and which version the build needs', () => {
    expect(() =>
      buildxVersionFrom({ exitCode: 0, stdout: 'github.com/docker/buildx v0.9.1 ed00243\n', stderr: '' }),
    ).toThrow(/^docker buildx 0\.9\.1 is too old; the build needs 0\.10 or newer\./);
  });
});

describe('readBuildxVersion', () => {
  it('says the docker CLI is not on PATH when it is not (a real spawn with an empty PATH)', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(readBuildxVersion()).rejects.toThrow(/^The docker CLI is not on PATH\.\n {2}Fix:/);
    } finally {
      process.env.PATH = path;
    }
  });
});
