import { parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it('reads a bearer challenge with realm, service and scope', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:acme/ext:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example.com/token',
          service: 'registry.example.com',
          scope: 'repository:acme/ext:pull,push',
        },
      },
    ]);
  });

  it('reads Basic with a realm, whatever the case of the scheme', () => {
    expect(parseWwwAuthenticate('basic realm="Registry Realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted values, and unquoted values', () => {
    expect(parseWwwAuthenticate('Bearer realm="a\\"b,c", error=insufficient_scope , service = x')).toEqual([
      { scheme: 'bearer', params: { realm: 'a"b,c', error: 'insufficient_scope', service: 'x' } },
    ]);
  });

  it('returns every challenge when a registry offers several', () => {
    const challenges = parseWwwAuthenticate('Basic realm="r", Bearer realm="https://t/token",service="s"');
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(challenges[1].params).toEqual({ realm: 'https://t/token', service: 's' });
  });

  it('returns nothing for an empty or missing header', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(null)).toEqual([]);
  });
});
