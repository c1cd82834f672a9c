import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTestBed, uniqueRepo } from '../test-support/test-bed';
import { pushLayout } from './push-layout';
import { planLayoutPush } from './push-plan';
import { buildTestLayout } from './test-support/build-layout';
import { CountingProxy, startCountingProxy } from './test-support/counting-proxy';
import { checkImageInRegistry, tagExists } from './test-support/registry-check';
import { RegistryProcess, startRegistryProcess } from './test-support/registry-process';

describe('a registry killed in the middle of a push', () => {
  let work: string;
  let registry: RegistryProcess | undefined;
  const proxies: CountingProxy[] = [];

  beforeAll(() => {
    requireTestBed();
    work = mkdtempSync(join(tmpdir(), 'nxde-push-kill-'));
  });

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await registry?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('gives a clear error, and a rerun after the restart completes with the tag pointing to a complete index', async () => {
    const bed = requireTestBed();
    const layout = await buildTestLayout(join(work, 'image'), {
      baseImage: bed.baseImage,
      payload: 'interrupted\n',
      bigBytes: 6 << 20,
    });
    const plan = await planLayoutPush(layout);
    registry = await startRegistryProcess(join(work, 'registry'));
    const live = registry;

    // uploads crawl at 1 MiB/s through this proxy; the registry dies 400 ms into the first upload body
    let killed: Promise<void> | undefined;
    const slow = await startCountingProxy(live.address, {
      uploadBytesPerSecond: 1 << 20,
      onUploadBody: () => {
        killed ??= new Promise<void>((resolve) => setTimeout(() => live.kill().then(resolve), 400));
      },
    });
    proxies.push(slow);
    const repo = uniqueRepo('killed');
    const tag = `${slow.address}/${repo}:1.0.0`;

    const error = (await pushLayout(layout, [tag]).then(
      () => undefined,
      (e) => e,
    )) as Error;
    await killed;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      new RegExp(`^Registry ${slow.address}, repository ${repo}: uploading blob sha256:[0-9a-f]{64} failed`),
    );
    expect(error.message).toMatch(/registry may have stopped\. Run push again when it is back|Run push again/);
    // some blob bodies were on the wire when it died
    expect(slow.blobBytes()).toBeGreaterThan(0);

    await live.start();
    expect(await tagExists(live.address, repo, '1.0.0')).toBe(false);

    const fast = await startCountingProxy(live.address);
    proxies.push(fast);
    const results = await pushLayout(layout, [`${fast.address}/${repo}:1.0.0`]);
    expect(results[0]).toMatchObject({ status: 'pushed', digest: plan.index.descriptor.digest });
    const check = await checkImageInRegistry(live.address, repo, '1.0.0');
    expect(check).toMatchObject({ digest: plan.index.descriptor.digest, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(check.manifests).toBe(plan.manifests.length);
  });
});
