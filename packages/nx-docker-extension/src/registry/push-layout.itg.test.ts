import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../process/run-process';
import { requireTestBed, TestBed, uniqueRepo } from '../test-support/test-bed';
import { BlobLocations } from './blob-locations';
import { describeTagResult, pushLayout } from './push-layout';
import { planLayoutPush, PushPlan } from './push-plan';
import { RegistryClient } from './registry-client';
import { buildTestLayout } from './test-support/build-layout';
import { CountingProxy, startCountingProxy } from './test-support/counting-proxy';
import { checkImageInRegistry, tagExists } from './test-support/registry-check';

/** Requests that write to the registry (anything but HEAD/GET). */
const writes = (proxy: CountingProxy) => proxy.requests.filter((r) => r.method !== 'HEAD' && r.method !== 'GET');

const imageLayers = async (plan: PushPlan) => {
  const layers = new Set<string>();
  for (const m of plan.manifests) {
    const json = JSON.parse(m.body.toString());
    if (m.descriptor.platform?.os === 'linux') for (const l of json.layers) layers.add(l.digest);
  }
  return layers;
};

describe('pushLayout against the test bed registry', () => {
  let bed: TestBed;
  let work: string;
  let layoutA: string;
  let layoutB: string;
  let planA: PushPlan;
  let planB: PushPlan;
  let proxy: CountingProxy;

  beforeAll(async () => {
    bed = requireTestBed();
    work = mkdtempSync(join(tmpdir(), 'nxde-push-'));
    // A and B differ only in payload.txt: one small layer per platform
    [layoutA, layoutB] = await Promise.all([
      buildTestLayout(join(work, 'a'), { baseImage: bed.baseImage, payload: 'payload one\n' }),
      buildTestLayout(join(work, 'b'), { baseImage: bed.baseImage, payload: 'payload two\n' }),
    ]);
    [planA, planB] = await Promise.all([planLayoutPush(layoutA), planLayoutPush(layoutB)]);
    proxy = await startCountingProxy(bed.registry);
  });

  afterAll(async () => {
    await proxy?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => proxy.reset());

  it('pushes a two-platform layout; imagetools and the registry API read back the same index', async () => {
    const repo = uniqueRepo('push');
    const results = await pushLayout(layoutA, [`${proxy.address}/${repo}:1.0.0`]);
    const digest = planA.index.descriptor.digest;
    expect(results).toEqual([
      expect.objectContaining({ tag: `${proxy.address}/${repo}:1.0.0`, status: 'pushed', digest }),
    ]);
    expect(results[0].blobs.uploaded).toBe(planA.blobs.length);
    expect(results[0].bytesUploaded).toBeGreaterThan(planA.blobs.reduce((s, b) => s + b.size, 0));
    expect(describeTagResult(results[0])).toMatch(new RegExp(`pushed .* uploaded .* ${digest}$`));

    const inspect = await runProcess('docker', [
      'buildx',
      'imagetools',
      'inspect',
      `${bed.registry}/${repo}:1.0.0`,
      '--format',
      '{{json .Manifest}}',
    ]);
    expect(inspect.stderr).toBe('');
    const manifest = JSON.parse(inspect.stdout);
    expect(manifest.digest).toBe(digest);
    expect(
      manifest.manifests
        .filter((m: { platform?: { os: string } }) => m.platform?.os === 'linux')
        .map((m: { platform: { architecture: string } }) => m.platform.architecture)
        .sort(),
    ).toEqual(['amd64', 'arm64']);

    const api = await checkImageInRegistry(bed.registry, repo, '1.0.0');
    expect(api).toMatchObject({ digest, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(api.manifests).toBe(planA.manifests.length);
  });

  it('a second push of the same image makes zero blob upload requests and says unchanged', async () => {
    const repo = uniqueRepo('noop');
    const tag = `${proxy.address}/${repo}:1.0.0`;
    await pushLayout(layoutA, [tag]);
    proxy.reset();

    const results = await pushLayout(layoutA, [tag]);
    expect(results).toEqual([
      {
        tag,
        status: 'unchanged',
        digest: planA.index.descriptor.digest,
        bytesUploaded: 0,
        blobs: { uploaded: 0, mounted: 0, existing: 0 },
        manifestsStored: 0,
      },
    ]);
    expect(describeTagResult(results[0])).toMatch(/unchanged {2}0 B uploaded \(the tag already points to this image\)/);
    expect(proxy.blobUploads()).toBe(0);
    expect(writes(proxy)).toEqual([]);
    // one HEAD of the tag is all it takes (plus the /v2/ ping)
    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v2/`,
      `HEAD /v2/${repo}/manifests/1.0.0`,
    ]);
  });

  it('an image differing in one small layer uploads only that layer (plus its configs and provenance)', async () => {
    const repo = uniqueRepo('delta');
    await pushLayout(layoutA, [`${proxy.address}/${repo}:1.0.0`]);
    proxy.reset();

    const results = await pushLayout(layoutB, [`${proxy.address}/${repo}:1.0.1`]);
    const known = new Set(planA.blobs.map((b) => b.digest));
    const fresh = planB.blobs.filter((b) => !known.has(b.digest));
    const [layersA, layersB] = [await imageLayers(planA), await imageLayers(planB)];
    const newLayers = [...layersB].filter((d) => !layersA.has(d));
    const payloadLayers = planB.manifests
      .filter((m) => m.descriptor.platform?.os === 'linux')
      .map((m) => JSON.parse(m.body.toString()).layers.at(-1).digest);
    // the only image layers that changed are the payload.txt layers
    expect(newLayers.sort()).toEqual([...new Set(payloadLayers)].sort());

    expect(results[0]).toMatchObject({ status: 'pushed', digest: planB.index.descriptor.digest });
    expect(results[0].blobs).toEqual({
      uploaded: fresh.length,
      mounted: 0,
      existing: planB.blobs.length - fresh.length,
    });
    expect(proxy.blobUploads()).toBe(fresh.length);
    const freshBytes = fresh.reduce((s, b) => s + b.size, 0);
    expect(proxy.blobBytes()).toBe(freshBytes);
    const imageBytes = planB.blobs.reduce((s, b) => s + b.size, 0);
    expect(freshBytes).toBeLessThan(imageBytes / 50);
    expect((await checkImageInRegistry(bed.registry, repo, '1.0.1')).digest).toBe(planB.index.descriptor.digest);
  });

  it('mounts blobs from another repository of the same registry instead of uploading them', async () => {
    const [first, second] = [uniqueRepo('mount-src'), uniqueRepo('mount-dst')];
    await pushLayout(layoutA, [`${proxy.address}/${first}:1.0.0`]);
    proxy.reset();

    const results = await pushLayout(layoutA, [`${proxy.address}/${first}:1.0.0`, `${proxy.address}/${second}:1.0.0`]);
    expect(results.map((r) => r.status)).toEqual(['unchanged', 'pushed']);
    expect(results[1].blobs).toEqual({ uploaded: 0, mounted: planA.blobs.length, existing: 0 });
    expect(proxy.blobUploads()).toBe(0);
    expect(proxy.mounts()).toBe(planA.blobs.length);
    expect(proxy.blobBytes()).toBe(0);
    expect((await checkImageInRegistry(bed.registry, second, '1.0.0')).digest).toBe(planA.index.descriptor.digest);
  });

  it('mounts blobs an earlier, separate push left in another repository (remembered in blob-locations.json)', async () => {
    const [first, second] = [uniqueRepo('mount-earlier'), uniqueRepo('mount-later')];
    const file = join(work, `blob-locations-${first}.json`);
    await pushLayout(layoutA, [`${proxy.address}/${first}:1.0.0`], { blobLocations: BlobLocations.load(file) });
    proxy.reset();

    // a new process: a fresh client, the only link is the file
    const results = await pushLayout(layoutA, [`${proxy.address}/${second}:1.0.0`], {
      blobLocations: BlobLocations.load(file),
    });
    expect(results[0].blobs).toEqual({ uploaded: 0, mounted: planA.blobs.length, existing: 0 });
    expect(proxy.blobUploads()).toBe(0);
    expect(proxy.blobBytes()).toBe(0);
    expect((await checkImageInRegistry(bed.registry, second, '1.0.0')).digest).toBe(planA.index.descriptor.digest);
    expect(BlobLocations.load(file).sources(proxy.address, planA.blobs[0].digest)).toEqual([second, first]);
  });

  it('a hint naming a repository that lacks the blob falls back to uploading it', async () => {
    const repo = uniqueRepo('stale-hint');
    const file = join(work, `blob-locations-${repo}.json`);
    const stale = BlobLocations.load(file);
    stale.record(
      proxy.address,
      uniqueRepo('never-pushed'),
      planA.blobs.map((b) => b.digest),
    );
    stale.save();

    const results = await pushLayout(layoutA, [`${proxy.address}/${repo}:1.0.0`], {
      blobLocations: BlobLocations.load(file),
    });
    expect(results[0].status).toBe('pushed');
    expect(results[0].blobs.mounted).toBe(0);
    expect(results[0].blobs.uploaded + results[0].blobs.existing).toBe(planA.blobs.length);
    expect((await checkImageInRegistry(bed.registry, repo, '1.0.0')).digest).toBe(planA.index.descriptor.digest);
  });

  it('says so when another push moves the tag between our write and the read-back', async () => {
    const repo = uniqueRepo('raced');
    const other = `${bed.registry}/${repo}:other`;
    await pushLayout(layoutB, [other]);
    // A second writer, for real: right after our index lands on 1.0.0, it points 1.0.0 at B's index.
    const racing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (init?.method === 'PUT' && url.endsWith(`/v2/${repo}/manifests/1.0.0`)) {
        const put = await fetch(`http://${bed.registry}/v2/${repo}/manifests/1.0.0`, {
          method: 'PUT',
          headers: { 'Content-Type': planB.index.descriptor.mediaType },
          body: new Uint8Array(planB.index.body),
        });
        expect(put.status).toBe(201);
      }
      return response;
    };
    await expect(
      pushLayout(layoutA, [`${bed.registry}/${repo}:1.0.0`], { clientOptions: { fetch: racing } }),
    ).rejects.toThrow(
      `after pushing, ${bed.registry}/${repo}:1.0.0 points to ${planB.index.descriptor.digest}, not ${planA.index.descriptor.digest}. Another push may have raced this one; run push again.`,
    );
  });

  it('refuses to move an existing semver tag to another digest, writing nothing; force overrides', async () => {
    const repo = uniqueRepo('immutable');
    const tag = `${proxy.address}/${repo}:1.0.0`;
    await pushLayout(layoutA, [tag]);
    proxy.reset();

    const attempt = pushLayout(layoutB, [tag, `${proxy.address}/${repo}:edge`]);
    await expect(attempt).rejects.toThrow(
      `Push refused, nothing was pushed:\n  - ${tag} already points to ${planA.index.descriptor.digest}, not to this build (${planB.index.descriptor.digest}). A published version never changes: raise the version, or push with force to overwrite it.`,
    );
    expect(writes(proxy)).toEqual([]);
    expect(await tagExists(bed.registry, repo, 'edge')).toBe(false);
    expect((await checkImageInRegistry(bed.registry, repo, '1.0.0')).digest).toBe(planA.index.descriptor.digest);

    const forced = await pushLayout(layoutB, [tag], { force: true });
    expect(forced[0]).toMatchObject({ status: 'pushed', digest: planB.index.descriptor.digest });
    expect((await checkImageInRegistry(bed.registry, repo, '1.0.0')).digest).toBe(planB.index.descriptor.digest);
  });

  it('a corrupt layout (a layer whose bytes do not match its digest) is a clear error and nothing is pushed', async () => {
    const repo = uniqueRepo('corrupt');
    const corrupt = join(work, 'corrupt');
    cpSync(layoutA, corrupt, { recursive: true });
    const biggest = [...planA.blobs].sort((x, y) => y.size - x.size)[0];
    const path = join(corrupt, 'blobs/sha256', biggest.digest.slice(7));
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, bytes);

    await expect(pushLayout(corrupt, [`${proxy.address}/${repo}:1.0.0`])).rejects.toThrow(
      `OCI layout ${corrupt}: blob ${biggest.digest} does not match its descriptor`,
    );
    await expect(pushLayout(corrupt, [`${proxy.address}/${repo}:1.0.0`])).rejects.toThrow(
      /The layout is corrupt; rebuild the image\.$/,
    );
    expect(writes(proxy)).toEqual([]);
    expect(await tagExists(bed.registry, repo, '1.0.0')).toBe(false);

    rmSync(path);
    await expect(pushLayout(corrupt, [`${proxy.address}/${repo}:1.0.0`])).rejects.toThrow(
      `OCI layout ${corrupt}: blob ${biggest.digest} is missing. Rebuild the image.`,
    );
    expect(writes(proxy)).toEqual([]);
  });

  it("refuses 'latest' as the only tag before contacting the registry, and pushes it with allowLatest", async () => {
    const repo = uniqueRepo('latest');
    await expect(pushLayout(layoutA, [`${proxy.address}/${repo}:latest`])).rejects.toThrow(/'latest' is not a release/);
    expect(proxy.requests).toEqual([]);
    const results = await pushLayout(layoutA, [`${proxy.address}/${repo}:latest`], { allowLatest: true });
    expect(results[0].status).toBe('pushed');
  });

  it('uploads big blobs in PATCH chunks (POST, PATCH with Content-Range…, PUT with the digest)', async () => {
    const repo = uniqueRepo('chunked');
    const chunkSize = 256 << 10;
    const results = await pushLayout(layoutA, [`${proxy.address}/${repo}:1.0.0`], {
      clientOptions: { monolithicLimit: 512 << 10, chunkSize },
    });
    expect(results[0]).toMatchObject({ status: 'pushed', digest: planA.index.descriptor.digest });
    const big = planA.blobs.filter((b) => b.size > 512 << 10);
    expect(big.length).toBeGreaterThan(0);
    const patches = proxy.requests.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBe(big.reduce((n, b) => n + Math.ceil(b.size / chunkSize), 0));
    expect(patches.every((r) => r.requestBytes <= chunkSize && r.status === 202)).toBe(true);
    expect(proxy.blobBytes()).toBe(planA.blobs.reduce((s, b) => s + b.size, 0));
    expect((await checkImageInRegistry(bed.registry, repo, '1.0.0')).digest).toBe(planA.index.descriptor.digest);
  });

  it('exposes digest-checked reads for verify --remote: getManifest, headManifest, getBlob', async () => {
    const repo = uniqueRepo('read');
    await pushLayout(layoutA, [`${bed.registry}/${repo}:1.0.0`]);
    const client = new RegistryClient();
    const ref = { registry: bed.registry, repository: repo, tag: '1.0.0' };
    const head = await client.headManifest(ref);
    expect(head).toEqual(planA.index.descriptor);
    const index = await client.getManifest(ref);
    expect(index.descriptor).toEqual(planA.index.descriptor);
    expect(index.body.equals(planA.index.body)).toBe(true);
    const amd64 = (
      index.json as { manifests: { digest: string; platform?: { architecture: string } }[] }
    ).manifests.find((m) => m.platform?.architecture === 'amd64');
    const manifest = await client.getManifest({ ...ref, tag: undefined, digest: amd64?.digest });
    const config = JSON.parse(
      (await client.readBlob(ref, (manifest.json as { config: { digest: string; size: number } }).config)).toString(),
    );
    expect(config.architecture).toBe('amd64');
    const layer = (manifest.json as { layers: { digest: string; size: number }[] }).layers[1];
    let bytes = 0;
    for await (const chunk of await client.getBlob(ref, layer)) bytes += (chunk as Buffer).length;
    expect(bytes).toBe(layer.size);
    // a descriptor whose size does not match what arrives makes the stream fail
    const lying = { ...layer, size: layer.size + 1 };
    await expect(
      (async () => {
        for await (const _ of await client.getBlob(ref, lying)) void _;
      })(),
    ).rejects.toThrow(/arrived as \d+ bytes with digest sha256:/);
    expect(await client.headManifest({ ...ref, tag: 'nope' })).toBeUndefined();
    await expect(client.getManifest({ ...ref, tag: 'nope' })).rejects.toThrow(
      `Registry ${bed.registry}, repository ${repo}: ${bed.registry}/${repo}:nope does not exist. Push it first, or check the name and tag.`,
    );
  });
});
