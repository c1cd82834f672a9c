import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTestBed, uniqueRepo } from '../test-support/test-bed';
import { pushLayout } from './push-layout';
import { planLayoutPush, PushPlan } from './push-plan';
import { buildTestLayout } from './test-support/build-layout';
import { checkImageInRegistry } from './test-support/registry-check';
import { RegistryProcess, startRegistryProcess } from './test-support/registry-process';
import { startTokenIssuer, TokenIssuer } from './test-support/token-issuer';

describe('pushLayout to a registry with token auth (Bearer flow from WWW-Authenticate)', () => {
  const user = 'token-user';
  const password = `tok-${Math.random().toString(36).slice(2)}-pw`;
  const identityToken = `idt-${Math.random().toString(36).slice(2)}`;
  let work: string;
  let issuer: TokenIssuer;
  let registry: RegistryProcess;
  let layout: string;
  let plan: PushPlan;

  const envWith = (name: string, auth: object): NodeJS.ProcessEnv => {
    const dir = join(work, 'configs', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.address]: auth } }));
    return { ...process.env, DOCKER_CONFIG: dir };
  };

  beforeAll(async () => {
    const bed = requireTestBed();
    work = mkdtempSync(join(tmpdir(), 'nxde-push-bearer-'));
    issuer = await startTokenIssuer(work, { user, password, identityToken });
    registry = await startRegistryProcess(
      join(work, 'registry'),
      [
        'auth:',
        '  token:',
        `    realm: ${issuer.realm}`,
        `    service: ${issuer.service}`,
        `    issuer: ${issuer.issuer}`,
        `    rootcertbundle: ${issuer.certPath}`,
      ].join('\n'),
    );
    layout = await buildTestLayout(join(work, 'image'), { baseImage: bed.baseImage, payload: 'bearer\n' });
    plan = await planLayoutPush(layout);
  });

  afterAll(async () => {
    await registry?.kill();
    await issuer?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    issuer.requests.length = 0;
  });

  it('gets a token for repository:<name>:pull,push from the realm with Basic credentials, and pushes', async () => {
    const repo = uniqueRepo('bearer');
    const env = envWith('basic', { auth: Buffer.from(`${user}:${password}`).toString('base64') });
    const results = await pushLayout(layout, [`${registry.address}/${repo}:1.0.0`], { env });
    expect(results[0]).toMatchObject({ status: 'pushed', digest: plan.index.descriptor.digest });
    expect(issuer.requests.length).toBeGreaterThan(0);
    for (const r of issuer.requests) {
      expect(r).toMatchObject({ method: 'GET', service: issuer.service, account: user, authenticated: true });
    }
    expect(issuer.requests.flatMap((r) => r.scopes)).toContain(`repository:${repo}:pull,push`);
    // one token for the whole push: asked for pull,push up front, shared by parallel uploads
    expect(issuer.requests.length).toBe(1);
    const read = `Bearer ${issuer.mint([`repository:${repo}:pull`])}`;
    expect(await checkImageInRegistry(registry.address, repo, '1.0.0', read)).toMatchObject({
      digest: plan.index.descriptor.digest,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('exchanges an identity token (OAuth refresh token) with a form POST', async () => {
    const repo = uniqueRepo('bearer-idt');
    const env = envWith('identity', { identitytoken: identityToken });
    const results = await pushLayout(layout, [`${registry.address}/${repo}:1.0.0`], { env });
    expect(results[0].status).toBe('pushed');
    expect(issuer.requests.every((r) => r.method === 'POST' && r.grant === 'refresh_token' && r.authenticated)).toBe(
      true,
    );
  });

  it('mounts from another repository, asking for pull on the source in the same token', async () => {
    const [source, target] = [uniqueRepo('bearer-src'), uniqueRepo('bearer-dst')];
    const env = envWith('mount', { auth: Buffer.from(`${user}:${password}`).toString('base64') });
    await pushLayout(layout, [`${registry.address}/${source}:1.0.0`], { env });
    issuer.requests.length = 0;
    const results = await pushLayout(
      layout,
      [`${registry.address}/${source}:1.0.0`, `${registry.address}/${target}:1.0.0`],
      { env },
    );
    expect(results[1].blobs).toEqual({ uploaded: 0, mounted: plan.blobs.length, existing: 0 });
    expect(
      issuer.requests.some(
        (r) => r.scopes.includes(`repository:${source}:pull`) && r.scopes.includes(`repository:${target}:pull,push`),
      ),
    ).toBe(true);
  });

  it('a wrong password at the token service is a clear 401 naming the realm, without the password', async () => {
    const repo = uniqueRepo('bearer-wrong');
    const wrong = `${password}-nope`;
    const env = envWith('wrong', { username: user, password: wrong });
    const error = (await pushLayout(layout, [`${registry.address}/${repo}:1.0.0`], {
      env,
      verbose: true,
      log: () => undefined,
    }).then(
      () => undefined,
      (e) => e,
    )) as Error;
    expect(error.message).toBe(
      `Registry ${registry.address}: getting a token from ${issuer.realm} failed with HTTP 401 UNAUTHORIZED: invalid username or password. ` +
        `Authentication failed as '${user}'. Log in with 'docker login ${registry.address}' (credentials are read from ${join(env.DOCKER_CONFIG as string, 'config.json')}; set DOCKER_CONFIG to use another), or check the user and password.`,
    );
    expect(`${error.message}\n${error.stack}`).not.toContain(wrong);
  });

  it('anonymous: the registry refuses the push with a clear message', async () => {
    const env = envWith('anonymous', {});
    await expect(
      pushLayout(layout, [`${registry.address}/${uniqueRepo('bearer-anon')}:1.0.0`], { env }),
    ).rejects.toThrow(
      /checking manifest 1\.0\.0 failed with HTTP 401\. Authentication failed without credentials\. Log in with 'docker login/,
    );
  });
});
