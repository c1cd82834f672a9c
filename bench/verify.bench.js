#!/usr/bin/env node
// Verify benchmark on the test bed: `verify --remote` of a pushed two-platform extension vs
// `docker buildx imagetools inspect` of the same image (medians of one run), and the bytes verify downloads
// vs the image's total size. Prints figures, not a pass/fail.
//
//   npm run testbed:up && node bench/verify.bench.js [--runs 5] [--binary-mib 8] [--ui-mib 2]
//
// The image is the integration tests' correct extension (metadata.json, icon, compose file, UI, darwin/linux/
// windows binaries chosen by TARGETARCH) on the test bed's busybox, with the binaries and the UI bundle padded
// with random bytes to the given sizes so that layer sizes look like a real extension's.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('runs', 5);
const BINARY_MIB = option('binary-mib', 8);
const UI_MIB = option('ui-mib', 2);
const REGISTRY = process.env.REGISTRY || '127.0.0.1:5000';
const BASE_IMAGE = process.env.BASE_IMAGE || `${REGISTRY}/testbed/busybox:1`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nxde-verify-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function sh(cmd, argv) {
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
}

// verify, the registry client and the test fixture, compiled on their own into node_modules/.cache so the
// compiled files resolve the workspace's dependencies (semver, yaml)
function compile() {
  const out = path.join(root, 'node_modules/.cache/nxde-verify-bench', String(process.pid));
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  const src = path.join(root, 'packages/nx-docker-extension/src');
  sh(process.execPath, [
    require.resolve('typescript/bin/tsc'),
    ...['--outDir', out, '--rootDir', src, '--module', 'commonjs', '--target', 'ES2022'],
    ...['--esModuleInterop', '--skipLibCheck', '--types', 'node'],
    path.join(src, 'verify/index.ts'),
    path.join(src, 'verify/test-support/extension-fixture.ts'),
  ]);
  return {
    verify: require(path.join(out, 'verify/index.js')),
    registry: require(path.join(out, 'registry/index.js')),
    fixture: require(path.join(out, 'verify/test-support/extension-fixture.js')),
  };
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

/** Declared bytes of every blob the tag reaches (index, all manifests incl. attestations, configs, distinct layers). */
async function imageSize(client, ref) {
  const top = await client.getManifest(ref);
  const blobs = new Map([[top.descriptor.digest, top.descriptor.size]]);
  for (const d of top.json.manifests) {
    blobs.set(d.digest, d.size);
    const m = (await client.getManifest({ ...ref, tag: undefined, digest: d.digest })).json;
    for (const b of [m.config, ...m.layers]) blobs.set(b.digest, b.size);
  }
  return { total: [...blobs.values()].reduce((a, b) => a + b, 0), blobs: blobs.size };
}

async function main() {
  try {
    sh('docker', ['buildx', 'version']);
  } catch {
    console.error('No Docker engine with buildx answers. Run `npm run testbed:up` first.');
    process.exit(1);
  }
  const { verify, registry, fixture } = compile();

  const f = fixture.goodFixture();
  f.files['ui/bundle.js'] = randomBytes(UI_MIB << 20);
  for (const key of Object.keys(f.files).filter((k) => k.startsWith('bin/'))) {
    f.files[key] = Buffer.concat([f.files[key], randomBytes(BINARY_MIB << 20)]);
  }
  const context = path.join(work, 'context');
  await fixture.writeFixture(f, context);
  const reference = `${REGISTRY}/nxde-bench/verify-${process.pid}:1.0.0`;
  await fixture.buildFixture(context, { baseImage: BASE_IMAGE, output: { push: reference } });
  const ref = registry.parseImageReference(reference);
  const size = await imageSize(new registry.RegistryClient(), ref);

  const verifyRuns = [];
  let report;
  for (let i = 0; i < RUNS; i++) {
    const run = await timed(() =>
      verify.verifyImage(verify.registrySource(reference, new registry.RegistryClient()), { tags: [reference] }),
    );
    verifyRuns.push(run.ms);
    report = run.value;
  }
  const inspectRuns = [];
  for (let i = 0; i < RUNS; i++)
    inspectRuns.push((await timed(() => sh('docker', ['buildx', 'imagetools', 'inspect', reference]))).ms);

  const s = report.stats;
  const downloaded = s.compressedBytes + s.metadataBytes;
  const verifyMed = median(verifyRuns);
  const inspectMed = median(inspectRuns);
  console.log(
    `verify benchmark — ${RUNS} runs each; image: busybox + 3 host binaries of ${BINARY_MIB} MiB per platform + ${UI_MIB} MiB UI bundle, 2 platforms`,
  );
  console.log(
    `verdict: ${report.passed ? 'passed' : 'FAILED'} (${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.warn} warn, ${report.summary['n/a']} n/a)`,
  );
  console.log('');
  console.log('| case | median | what it reads |');
  console.log('|---|---|---|');
  console.log(`| docker buildx imagetools inspect | ${inspectMed.toFixed(0)} ms | the index |`);
  console.log(
    `| verify --remote (verifyImage, registry source) | ${verifyMed.toFixed(0)} ms | index, ${report.platforms.length} manifests + configs, ${s.distinctLayers} distinct layers once each |`,
  );
  console.log(`ratio verify --remote / imagetools inspect: ${(verifyMed / inspectMed).toFixed(1)}x`);
  console.log('');
  console.log(
    `bytes verify downloaded (bodies):  ${mib(downloaded)}  (layers ${mib(s.compressedBytes)}, manifests+configs ${(s.metadataBytes / 1024).toFixed(1)} KiB)`,
  );
  console.log(`image total (all ${size.blobs} blobs, attestations included): ${mib(size.total)}`);
  console.log(`unpacked in memory, streamed:      ${mib(s.decompressedBytes)} (kept: only heads and small files)`);
  console.log(`layers read twice: ${s.secondReads}`);
  console.log(`ratio bytes downloaded / image total: ${(downloaded / size.total).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
