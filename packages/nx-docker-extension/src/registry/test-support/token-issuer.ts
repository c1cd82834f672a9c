// A tiny token service for the registry's `auth.token` mode: checks Basic credentials or a refresh token and signs
// RS256 JWTs whose x5c header carries a self-signed certificate the registry trusts (its rootcertbundle).
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runProcess } from '../../process/run-process';

export interface TokenRequest {
  method: string;
  service?: string;
  scopes: string[];
  account?: string;
  grant?: string;
  /** Whether the request proved who it was (good password or refresh token). */
  authenticated: boolean;
}

export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  requests: TokenRequest[];
  /** A token for direct registry reads in assertions. */
  mint(scopes: string[]): string;
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Makes a key and self-signed certificate in `dir` with openssl, and serves tokens on a loopback port. */
export async function startTokenIssuer(
  dir: string,
  users: { user: string; password: string; identityToken?: string },
): Promise<TokenIssuer> {
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  const made = await runProcess('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    '/CN=nxde-test-token-issuer',
  ]);
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  const key = readFileSync(keyPath, 'utf8');
  const certDer = readFileSync(certPath, 'utf8')
    .replace(/-----[^-]+-----/g, '')
    .replace(/\s+/g, '');
  const service = 'nxde-test-registry';
  const issuer = 'nxde-test-issuer';

  const sign = (subject: string, scopes: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((scope) => {
      const [type, rest] = [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)];
      const name = rest.slice(0, rest.lastIndexOf(':'));
      return { type, name, actions: rest.slice(rest.lastIndexOf(':') + 1).split(',') };
    });
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer] };
    const claims = {
      iss: issuer,
      sub: subject,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: `${now}-${Math.random()}`,
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key);
    return `${input}.${b64url(signature)}`;
  };

  const requests: TokenRequest[] = [];
  const reply = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let body = '';
    for await (const chunk of req) body += chunk;
    if (url.pathname !== '/token') return reply(res, 404, { error: 'not found' });
    if (req.method === 'POST') {
      const form = new URLSearchParams(body);
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      const ok =
        form.get('grant_type') === 'refresh_token' &&
        !!users.identityToken &&
        form.get('refresh_token') === users.identityToken;
      requests.push({
        method: 'POST',
        service: form.get('service') ?? undefined,
        scopes,
        grant: form.get('grant_type') ?? undefined,
        authenticated: ok,
      });
      if (!ok) return reply(res, 401, { error: 'invalid_grant' });
      const token = sign(users.user, scopes);
      return reply(res, 200, { access_token: token, expires_in: 300 });
    }
    const scopes = url.searchParams.getAll('scope');
    const header = req.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : '';
    const authenticated = decoded === `${users.user}:${users.password}`;
    requests.push({
      method: 'GET',
      service: url.searchParams.get('service') ?? undefined,
      scopes,
      account: url.searchParams.get('account') ?? undefined,
      authenticated,
    });
    if (decoded && !authenticated) {
      return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
    }
    // anonymous callers get a token that grants nothing, as real token services do
    const token = sign(authenticated ? users.user : '', authenticated ? scopes : []);
    reply(res, 200, { token, access_token: token, expires_in: 300 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    requests,
    mint: (scopes) => sign(users.user, scopes),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
