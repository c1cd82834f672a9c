import { isAtLeast, parseBuildxVersion } from './buildx-version';

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
