import {
  DockerConfig,
  credentialSourceFor,
  dockerConfigPath,
  isCredentialsNotFound,
  normalizeConfigKey,
  parseCredentialHelperOutput,
} from './docker-config';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('docker config', () => {
  it('honours DOCKER_CONFIG', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/tmp/cfg' })).toBe('/tmp/cfg/config.json');
    expect(dockerConfigPath({ HOME: '/home/x' })).toMatch(/\.docker\/config\.json$/);
  });

  it.each([
    ['127.0.0.1:5001', '127.0.0.1:5001'],
    ['https://127.0.0.1:5001/v2/', '127.0.0.1:5001'],
    ['http://Registry.Example.com', 'registry.example.com'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
  ])('normalizes the key %s', (key, host) => {
    expect(normalizeConfigKey(key)).toBe(host);
  });

  it('decodes auths[].auth, splitting at the first colon only', () => {
    const config: DockerConfig = { auths: { 'https://127.0.0.1:5001': { auth: b64('user:pa:ss') } } };
    expect(credentialSourceFor(config, '127.0.0.1:5001')).toEqual({
      kind: 'inline',
      credentials: { username: 'user', password: 'pa:ss' },
      configKey: 'https://127.0.0.1:5001',
    });
  });

  it('prefers an identity token, then a registry token, then user/password fields', () => {
    expect(credentialSourceFor({ auths: { r: { auth: b64('u:p'), identitytoken: 'idt' } } }, 'r')).toMatchObject({
      credentials: { identityToken: 'idt' },
    });
    expect(credentialSourceFor({ auths: { r: { registrytoken: 'rt' } } }, 'r')).toMatchObject({
      credentials: { registryToken: 'rt' },
    });
    expect(credentialSourceFor({ auths: { r: { username: 'u', password: 'p' } } }, 'r')).toMatchObject({
      credentials: { username: 'u', password: 'p' },
    });
  });

  it('finds Docker Hub credentials under the legacy key and passes helpers the same server URL', () => {
    expect(
      credentialSourceFor({ auths: { 'https://index.docker.io/v1/': { auth: b64('u:p') } } }, 'docker.io'),
    ).toMatchObject({
      kind: 'inline',
    });
    expect(credentialSourceFor({ credsStore: 'desktop' }, 'docker.io')).toEqual({
      kind: 'helper',
      helper: 'desktop',
      serverUrl: 'https://index.docker.io/v1/',
      configKey: 'credsStore',
    });
  });

  it('uses credHelpers before credsStore before auths, as Docker does', () => {
    const config: DockerConfig = {
      auths: { 'ghcr.io': { auth: b64('u:p') }, 'quay.io': { auth: b64('u:p') } },
      credsStore: 'desktop',
      credHelpers: { 'ghcr.io': 'gh' },
    };
    expect(credentialSourceFor(config, 'ghcr.io')).toMatchObject({
      kind: 'helper',
      helper: 'gh',
      serverUrl: 'ghcr.io',
    });
    expect(credentialSourceFor(config, 'quay.io')).toMatchObject({ kind: 'helper', helper: 'desktop' });
    expect(credentialSourceFor({ auths: config.auths }, 'quay.io')).toMatchObject({ kind: 'inline' });
  });

  it('is anonymous when nothing matches, or an entry holds nothing usable', () => {
    expect(credentialSourceFor({}, 'ghcr.io')).toEqual({ kind: 'none' });
    expect(credentialSourceFor({ auths: { 'ghcr.io': {} } }, 'ghcr.io')).toEqual({ kind: 'none' });
    expect(credentialSourceFor({ auths: { 'ghcr.io': { auth: b64('nocolon') } } }, 'ghcr.io')).toEqual({
      kind: 'none',
    });
  });
});

describe('credential helper output', () => {
  it('reads user and secret', () => {
    expect(parseCredentialHelperOutput('{"ServerURL":"r","Username":"u","Secret":"s"}', 'x')).toEqual({
      username: 'u',
      password: 's',
    });
  });

  it('treats <token> as an identity token', () => {
    expect(parseCredentialHelperOutput('{"Username":"<token>","Secret":"t"}', 'x')).toEqual({ identityToken: 't' });
  });

  it('fails without echoing what the helper printed', () => {
    expect(() => parseCredentialHelperOutput('Secret: hunter2', 'x')).toThrow(
      /docker-credential-x get did not print JSON/,
    );
    expect(() => parseCredentialHelperOutput('Secret: hunter2', 'x')).not.toThrow(/hunter2/);
  });

  it('recognizes "credentials not found"', () => {
    expect(isCredentialsNotFound('credentials not found in native keychain\n')).toBe(true);
    expect(isCredentialsNotFound('permission denied')).toBe(false);
  });
});
