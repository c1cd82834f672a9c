import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTestBed, TestBed, uniqueRepo } from '../test-support/test-bed';
import { pushLayout } from './push-layout';
import { buildTestLayout } from './test-support/build-layout';
import { checkImageInRegistry, tagExists } from './test-support/registry-check';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('pushLayout to the htpasswd registry (credentials from Docker config)', () => {
  let bed: TestBed;
  let work: string;
  let layout: string;
  let helperBin: string;

  /** A DOCKER_CONFIG folder holding `config`; returns the env to push with. */
  const dockerConfig = (name: string, config: object, extraEnv: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const dir = join(work, 'configs', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return { ...process.env, DOCKER_CONFIG: dir, ...extraEnv };
  };

  beforeAll(async () => {
    bed = requireTestBed();
    work = mkdtempSync(join(tmpdir(), 'nxde-push-auth-'));
    layout = await buildTestLayout(join(work, 'image'), { baseImage: bed.baseImage, payload: 'auth test\n' });
    // a credential helper as Docker runs it: `get` with the server on stdin, JSON on stdout
    helperBin = join(work, 'bin');
    mkdirSync(helperBin);
    const helper = join(helperBin, 'docker-credential-nxde-test');
    writeFileSync(
      helper,
      [
        '#!/bin/sh',
        '[ "$1" = get ] || exit 1',
        'read -r server',
        'echo "$server" >> "$(dirname "$0")/calls.log"',
        `if [ "$server" = "${bed.authRegistry}" ]; then`,
        `  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$server" '${bed.authUser}' '${bed.authPassword}'`,
        'else',
        '  echo "credentials not found in native keychain"',
        '  exit 1',
        'fi',
        '',
      ].join('\n'),
    );
    chmodSync(helper, 0o755);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pushes with user and password from auths in a temporary DOCKER_CONFIG', async () => {
    const repo = uniqueRepo('auth-config');
    const env = dockerConfig('auths', {
      auths: {
        [`https://${bed.authRegistry}`]: {
          auth: Buffer.from(`${bed.authUser}:${bed.authPassword}`).toString('base64'),
        },
      },
    });
    const results = await pushLayout(layout, [`${bed.authRegistry}/${repo}:1.0.0`], { env });
    expect(results[0].status).toBe('pushed');
    const check = await checkImageInRegistry(bed.authRegistry, repo, '1.0.0', basic(bed.authUser, bed.authPassword));
    expect(check.digest).toBe(results[0].digest);
    expect(check.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('pushes through a credential helper script on PATH (credsStore), and stays anonymous where it has nothing', async () => {
    const repo = uniqueRepo('auth-helper');
    const env = dockerConfig('store', { credsStore: 'nxde-test' }, { PATH: `${helperBin}:${process.env.PATH}` });
    const results = await pushLayout(layout, [`${bed.authRegistry}/${repo}:1.0.0`, `${bed.registry}/${repo}:1.0.0`], {
      env,
    });
    expect(results.map((r) => r.status)).toEqual(['pushed', 'pushed']);
    expect(readFileSync(join(helperBin, 'calls.log'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(
      [bed.authRegistry, bed.registry].sort(),
    );
    await expect(
      checkImageInRegistry(bed.authRegistry, repo, '1.0.0', basic(bed.authUser, bed.authPassword)),
    ).resolves.toMatchObject({ digest: results[0].digest });
  });

  it('uses credHelpers for just that registry', async () => {
    const repo = uniqueRepo('auth-credhelpers');
    const env = dockerConfig(
      'helpers',
      { credHelpers: { [bed.authRegistry]: 'nxde-test' } },
      { PATH: `${helperBin}:${process.env.PATH}` },
    );
    const results = await pushLayout(layout, [`${bed.authRegistry}/${repo}:1.0.0`], { env });
    expect(results[0].status).toBe('pushed');
  });

  it('a wrong password gives a clear 401 message, and the password appears in no output', async () => {
    const repo = uniqueRepo('auth-wrong');
    const wrong = `wrong-${Math.random().toString(36).slice(2)}-secret`;
    const env = dockerConfig('wrong', { auths: { [bed.authRegistry]: { username: bed.authUser, password: wrong } } });
    const lines: string[] = [];
    const attempt = pushLayout(layout, [`${bed.authRegistry}/${repo}:1.0.0`], {
      env,
      verbose: true,
      log: (line) => lines.push(line),
    });
    const error = (await attempt.then(
      () => undefined,
      (e) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      `Registry ${bed.authRegistry}, repository ${repo}: checking manifest 1.0.0 failed with HTTP 401. ` +
        `Authentication failed as '${bed.authUser}'. Log in with 'docker login ${bed.authRegistry}' ` +
        `(credentials are read from ${join(env.DOCKER_CONFIG as string, 'config.json')}; set DOCKER_CONFIG to use another), or check the user and password.`,
    );
    const everything = [error.message, error.stack ?? '', ...lines, JSON.stringify(error)].join('\n');
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(Buffer.from(`${bed.authUser}:${wrong}`).toString('base64'));
    expect(lines.length).toBeGreaterThan(0);
    expect(await tagExists(bed.authRegistry, repo, '1.0.0', basic(bed.authUser, bed.authPassword))).toBe(false);
  });

  it('without any credentials says so and how to log in', async () => {
    const env = dockerConfig('empty', {});
    await expect(pushLayout(layout, [`${bed.authRegistry}/${uniqueRepo('anon')}:1.0.0`], { env })).rejects.toThrow(
      /failed with HTTP 401\. Authentication failed without credentials\. Log in with 'docker login 127\.0\.0\.1:\d+'/,
    );
  });

  it('names a credential helper that is not on PATH', async () => {
    const env = dockerConfig('missing-helper', { credsStore: 'nxde-absent' });
    await expect(pushLayout(layout, [`${bed.authRegistry}/${uniqueRepo('nohelper')}:1.0.0`], { env })).rejects.toThrow(
      `Docker config ${join(env.DOCKER_CONFIG as string, 'config.json')} (credsStore) names the credential helper 'nxde-absent', but docker-credential-nxde-absent is not on PATH. Install it, or remove 'nxde-absent' from credsStore.`,
    );
  });
});
