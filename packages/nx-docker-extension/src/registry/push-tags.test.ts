import { parseImageReference } from './image-reference';
import { decideTag, isReleaseTag, parsePushTags } from './push-tags';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('parsePushTags', () => {
  it('parses and de-duplicates', () => {
    expect(
      parsePushTags(['127.0.0.1:5000/acme/ext:1.0.0', '127.0.0.1:5000/acme/ext:1.0.0', 'acme/ext:1.0.0'], false),
    ).toEqual([
      { registry: '127.0.0.1:5000', repository: 'acme/ext', tag: '1.0.0' },
      { registry: 'docker.io', repository: 'acme/ext', tag: '1.0.0' },
    ]);
  });

  it('refuses an empty list, a missing tag, a digest', () => {
    expect(() => parsePushTags([], false)).toThrow(/No tags to push/);
    expect(() => parsePushTags(['acme/ext'], false)).toThrow(/'acme\/ext' has no tag part.*acme\/ext:1\.0\.0/);
    expect(() => parsePushTags([`acme/ext:1@${A}`], false)).toThrow(/names a digest/);
    expect(() => parsePushTags(['acme/Ext:1'], false)).toThrow(/lower case/);
  });

  it("refuses 'latest' alone unless allowed, and accepts it beside a version", () => {
    expect(() => parsePushTags(['acme/ext:latest'], false)).toThrow(/'latest' is not a release.*allowLatest/);
    expect(parsePushTags(['acme/ext:latest'], true)).toHaveLength(1);
    expect(parsePushTags(['acme/ext:1.0.0', 'acme/ext:latest'], false)).toHaveLength(2);
  });
});

describe('decideTag', () => {
  const release = parseImageReference('127.0.0.1:5000/acme/ext:1.2.3');
  const rolling = parseImageReference('127.0.0.1:5000/acme/ext:edge');

  it('is unchanged when the tag already points to this index', () => {
    expect(decideTag(release, A, A, false)).toEqual({ action: 'unchanged' });
  });

  it('pushes a new tag', () => {
    expect(decideTag(release, undefined, A, false)).toEqual({ action: 'push' });
  });

  it('refuses to move a published version, naming both digests and what to do', () => {
    const decision = decideTag(release, B, A, false);
    expect(decision.action).toBe('refuse');
    expect(decision).toMatchObject({
      reason: expect.stringContaining(`already points to ${B}, not to this build (${A})`),
    });
    expect(decision).toMatchObject({ reason: expect.stringMatching(/raise the version, or push with force/) });
  });

  it('moves it with force, and moves non-release tags freely', () => {
    expect(decideTag(release, B, A, true)).toEqual({ action: 'push' });
    expect(decideTag(rolling, B, A, false)).toEqual({ action: 'push' });
  });

  it('knows release tags', () => {
    expect(isReleaseTag('1.2.3')).toBe(true);
    expect(isReleaseTag('1.2.3-rc.1')).toBe(true);
    expect(isReleaseTag('latest')).toBe(false);
    expect(isReleaseTag('1.2')).toBe(false);
  });
});
