import { parseOciErrorBody, registryNetworkError, registryResponseError } from './registry-error';

const ctx = { registry: '127.0.0.1:5001', repository: 'acme/ext', action: 'storing manifest 1.0.0' };

describe('registry errors', () => {
  it('reads the OCI error body', () => {
    expect(parseOciErrorBody('{"errors":[{"code":"DENIED","message":"denied"}]}')).toEqual([
      { code: 'DENIED', message: 'denied' },
    ]);
    expect(parseOciErrorBody('<html>')).toEqual([]);
  });

  it('names registry, repository, action, the code, and says what to do on 401', () => {
    const e = registryResponseError(
      ctx,
      401,
      '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"acme/ext","Action":"push"}]}]}',
      { user: 'testuser', configPath: '/tmp/cfg/config.json' },
    );
    expect(e.message).toMatch(
      /^Registry 127\.0\.0\.1:5001, repository acme\/ext: storing manifest 1\.0\.0 failed with HTTP 401 UNAUTHORIZED: authentication required/,
    );
    expect(e.message).toMatch(/as 'testuser'.*docker login 127\.0\.0\.1:5001.*\/tmp\/cfg\/config\.json/);
    expect(e.status).toBe(401);
    expect(e.code).toBe('UNAUTHORIZED');
  });

  it.each([
    [
      403,
      '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}',
      /may not push to acme\/ext/,
    ],
    [
      404,
      '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}',
      /create it there first/,
    ],
    [400, '{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}', /Run push again/],
    [400, '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"}]}', /OCI image indexes/],
    [429, '', /rate limiting/],
    [503, 'upstream down', /HTTP 503 upstream down\. The registry failed; check its logs/],
  ])('advises on HTTP %s', (status, body, advice) => {
    expect(registryResponseError(ctx, status, body).message).toMatch(advice);
  });

  it('explains network failures by their cause', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5001'), { code: 'ECONNREFUSED' }),
    });
    expect(registryNetworkError(ctx, 'http://127.0.0.1:5001/v2/acme/ext/blobs/uploads/?x=1', refused).message).toMatch(
      /storing manifest 1\.0\.0 failed: connect ECONNREFUSED.*Nothing answers at http:\/\/127\.0\.0\.1:5001: is the registry running\?/,
    );
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(registryNetworkError(ctx, 'http://127.0.0.1:5001/v2/', reset).message).toMatch(
      /broke; the registry may have stopped\. Run push again/,
    );
  });
});
