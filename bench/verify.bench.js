#!/usr/bin/env node
// Verify benchmark on the test bed: `verify --remote` of a pushed two-platform extension vs
// `docker buildx imagetools inspect` of the same image (medians of one run), the bytes verify downloads
// vs the image's total size, and the same files with gzip layers vs zstd layers. Prints figures, not a pass/fail.
//
//   npm run testbed:up && node bench/verify.bench.js [--runs 5] [--binary-mib 8] [--ui-mib 2]
//
// The image is the integration tests' correct extension (metadata.json, icon, compose file, UI, darwin/linux/
// windows binaries chosen by TARGETARCH) on the test bed's busybox, with the binaries padded with random bytes
// and the UI bundle filled with script-like text to the given sizes, so that layers look like a real extension's.
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
  f.files['ui/bundle.js'] = scriptText(UI_MIB << 20); // compresses like real JavaScript; the binaries do not
  for (const key of Object.keys(f.files).filter((k) => k.startsWith('bin/'))) {
    f.files[key] = Buffer.concat([f.files[key], randomBytes(BINARY_MIB << 20)]);
  }
  const context = path.join(work, 'context');
  await fixture.writeFixture(f, context);
  const images = [];
  for (const compression of ['gzip', 'zstd']) {
    const reference = `${REGISTRY}/nxde-bench/verify-${process.pid}-${compression}:1.0.0`;
    const build = { baseImage: BASE_IMAGE, output: { push: reference } };
    await fixture.buildFixture(context, compression === 'zstd' ? { ...build, compression } : build);
    const size = await imageSize(new registry.RegistryClient(), registry.parseImageReference(reference));
    images.push({ compression, reference, size, verifyRuns: [], inspectRuns: [], report: undefined });
  }
  // Alternating the cases spreads the machine's noise over all of them.
  for (let i = 0; i < RUNS; i++) {
    for (const image of images) {
      const run = await timed(() =>
        verify.verifyImage(verify.registrySource(image.reference, new registry.RegistryClient()), {
          tags: [image.reference],
        }),
      );
      image.verifyRuns.push(run.ms);
      image.report = run.value;
      image.inspectRuns.push(
        (await timed(() => sh('docker', ['buildx', 'imagetools', 'inspect', image.reference]))).ms,
      );
    }
  }

  console.log(
    `verify benchmark — ${RUNS} runs each; image: busybox + 3 host binaries of ${BINARY_MIB} MiB per platform (random) + ${UI_MIB} MiB UI bundle (script text), 2 platforms`,
  );
  console.log('');
  console.log('| layers | case | median | what it reads |');
  console.log('|---|---|---|---|');
  for (const image of images) {
    const s = image.report.stats;
    console.log(
      `| ${image.compression} | docker buildx imagetools inspect | ${median(image.inspectRuns).toFixed(0)} ms | the index |`,
    );
    console.log(
      `| ${image.compression} | verify --remote | ${median(image.verifyRuns).toFixed(0)} ms | index, ${image.report.platforms.length} manifests + configs, ${s.distinctLayers} distinct layers once each |`,
    );
  }
  console.log('');
  for (const image of images) {
    const { report, size } = image;
    const s = report.stats;
    const downloaded = s.compressedBytes + s.metadataBytes;
    console.log(`${image.compression} layers:`);
    console.log(
      `  verdict: ${report.passed ? 'passed' : 'FAILED'} (${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.warn} warn, ${report.summary['n/a']} n/a)`,
    );
    console.log(
      `  ratio verify --remote / imagetools inspect: ${(median(image.verifyRuns) / median(image.inspectRuns)).toFixed(1)}x`,
    );
    console.log(
      `  bytes verify downloaded (bodies): ${mib(downloaded)} (layers ${mib(s.compressedBytes)}, manifests+configs ${(s.metadataBytes / 1024).toFixed(1)} KiB)`,
    );
    console.log(`  image total (all ${size.blobs} blobs, attestations included): ${mib(size.total)}`);
    console.log(`  ratio bytes downloaded / image total: ${(downloaded / size.total).toFixed(3)}`);
    console.log(`  unpacked and streamed: ${mib(s.decompressedBytes)}; layers read twice: ${s.secondReads}`);
  }
  const [gzip, zstd] = images;
  console.log('');
  console.log(
    `ratio verify --remote zstd / gzip (same files): ${(median(zstd.verifyRuns) / median(gzip.verifyRuns)).toFixed(2)}x`,
  );
}

/** Deterministic text shaped like bundled JavaScript: compresses about as well as a real bundle. */
function scriptText(bytes) {
  const lines = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const line = `export function handler${i}(event) { return event.value${i % 97} + ${(i * 7919) % 100003}; }\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('').slice(0, bytes));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
