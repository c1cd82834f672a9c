import {
  formatImageReference,
  isLoopbackRegistry,
  parseImageReference,
  registryApiHost,
  registryHostname,
} from './image-reference';

describe('parseImageReference', () => {
  it.each([
    ['busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    ['busybox:1.36', { registry: 'docker.io', repository: 'library/busybox', tag: '1.36' }],
    ['acme/my-ext:0.1.0', { registry: 'docker.io', repository: 'acme/my-ext', tag: '0.1.0' }],
    ['docker.io/acme/my-ext', { registry: 'docker.io', repository: 'acme/my-ext' }],
    ['index.docker.io/library/alpine:3', { registry: 'docker.io', repository: 'library/alpine', tag: '3' }],
    ['127.0.0.1:5000/acme/my-ext:1.0.0', { registry: '127.0.0.1:5000', repository: 'acme/my-ext', tag: '1.0.0' }],
    ['localhost/a/b/c', { registry: 'localhost', repository: 'a/b/c' }],
    ['ghcr.io/acme/ext_x.y__z-w:v1', { registry: 'ghcr.io', repository: 'acme/ext_x.y__z-w', tag: 'v1' }],
    ['[::1]:5000/acme/ext:1', { registry: '[::1]:5000', repository: 'acme/ext', tag: '1' }],
    [
      `127.0.0.1:5000/acme/ext:1.0.0@sha256:${'a'.repeat(64)}`,
      { registry: '127.0.0.1:5000', repository: 'acme/ext', tag: '1.0.0', digest: `sha256:${'a'.repeat(64)}` },
    ],
    [
      `acme/ext@sha256:${'b'.repeat(64)}`,
      { registry: 'docker.io', repository: 'acme/ext', digest: `sha256:${'b'.repeat(64)}` },
    ],
  ])('%s', (input, expected) => {
    expect(parseImageReference(input)).toEqual(expected);
  });

  it.each([
    ['', /it is empty/],
    [' acme/ext', /whitespace/],
    ['https://ghcr.io/acme/ext', /URL scheme/],
    ['Acme/ext:1', /upper-case letters/],
    ['acme/ext:-1', /tag '-1' is not allowed/],
    [`acme/ext:${'x'.repeat(129)}`, /is not allowed/],
    ['acme//ext', /'' in repository/],
    ['acme/ext_:1', /'ext_' in repository/],
    ['acme/ext@sha256:abc', /is not a digest/],
    [`acme/ext@sha256:${'A'.repeat(64)}`, /not a sha256 digest/],
    ['127.0.0.1:5000/', /repository name is empty|'' in repository/],
  ])('rejects %j', (input, message) => {
    expect(() => parseImageReference(input)).toThrow(message);
  });

  it('names the reference and shows a valid example in its message', () => {
    expect(() => parseImageReference('acme/Ext')).toThrow(/Image reference 'acme\/Ext' is not valid: .*lower case/);
  });

  it('formats back with the registry written out', () => {
    expect(formatImageReference(parseImageReference('busybox:1'))).toBe('docker.io/library/busybox:1');
    expect(formatImageReference(parseImageReference('127.0.0.1:5000/a/b:1.0.0'))).toBe('127.0.0.1:5000/a/b:1.0.0');
  });
});

describe('registry hosts', () => {
  it('maps docker.io to the host that serves its API', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
  });

  it('strips ports and brackets', () => {
    expect(registryHostname('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(registryHostname('[::1]:5000')).toBe('::1');
    expect(registryHostname('ghcr.io')).toBe('ghcr.io');
  });

  it.each([
    ['127.0.0.1:5000', true],
    ['127.1.2.3', true],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['128.0.0.1:5000', false],
    ['127.0.0.1.example.com', false],
    ['127.0.0.300', false],
    ['ghcr.io', false],
    ['10.0.0.1:5000', false],
  ])('%s is loopback: %s', (registry, loopback) => {
    expect(isLoopbackRegistry(registry)).toBe(loopback);
  });
});
