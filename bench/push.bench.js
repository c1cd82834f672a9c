#!/usr/bin/env node
// Push benchmark on the test bed: a no-op push from dist/ vs `docker buildx build --push` of the same unchanged image
// (warm cache), and the bytes a push uploads when one small layer changed. Prints ratios from one run.
// Usage: node bench/push.bench.js [--runs 5] [--big-mib 16]
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
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
const BIG_MIB = option('big-mib', 16);
const REGISTRY = process.env.REGISTRY || '127.0.0.1:5000';
const BASE_IMAGE = process.env.BASE_IMAGE || `${REGISTRY}/testbed/busybox:1`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nxde-push-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function sh(cmd, argv, opts = {}) {
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
}

let compiledRegistry;

// the registry client, compiled on its own so the bench does not depend on the rest of the plugin building
function compileRegistry() {
  // inside node_modules/.cache so the compiled files resolve the workspace's dependencies (semver)
  const out = path.join(root, 'node_modules/.cache/nxde-push-bench', String(process.pid));
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  const src = path.join(root, 'packages/nx-docker-extension/src');
  sh(process.execPath, [
    require.resolve('typescript/bin/tsc'),
    ...['--outDir', out, '--rootDir', src, '--module', 'commonjs', '--target', 'ES2022'],
    ...['--esModuleInterop', '--skipLibCheck', '--types', 'node'],
    path.join(src, 'registry/index.ts'),
    path.join(src, 'registry/test-support/counting-proxy.ts'),
  ]);
  compiledRegistry = path.join(out, 'registry/index.js');
  return {
    registry: require(compiledRegistry),
    proxy: require(path.join(out, 'registry/test-support/counting-proxy.js')),
  };
}

function deterministicBytes(size, seed) {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

function writeContext(dir, payload) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM alpine\nCOPY big.bin /opt/big.bin\nCOPY payload.txt /opt/payload.txt\n',
  );
  fs.writeFileSync(path.join(dir, 'big.bin'), deterministicBytes(BIG_MIB << 20, 'nxde-push-bench'));
  fs.writeFileSync(path.join(dir, 'payload.txt'), payload);
  // layer tars carry file times: fixed ones make the unchanged big.bin give the same layer in both builds
  const fixed = new Date('2024-01-01T00:00:00Z');
  for (const file of ['Dockerfile', 'big.bin', 'payload.txt']) fs.utimesSync(path.join(dir, file), fixed, fixed);
  return dir;
}

const buildArgs = (context) => [
  'buildx',
  'build',
  '--platform',
  'linux/amd64,linux/arm64',
  '--build-context',
  `alpine=docker-image://${BASE_IMAGE}`,
  context,
];

function buildLayout(context, dest) {
  sh('docker', [...buildArgs(context), '--output', `type=oci,tar=false,dest=${dest}`]);
  return dest;
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

async function main() {
  sh('docker', ['info', '--format', '{{.ServerVersion}}']);
  const { registry, proxy: proxyModule } = compileRegistry();
  const repo = `nxde-bench/push-${process.pid}-${Date.now().toString(36)}`;
  const contextA = writeContext(path.join(work, 'a'), 'payload one\n');
  const contextB = writeContext(path.join(work, 'b'), 'payload two\n');
  const layoutA = buildLayout(contextA, path.join(work, 'layout-a'));
  const layoutB = buildLayout(contextB, path.join(work, 'layout-b'));
  const proxy = await proxyModule.startCountingProxy(REGISTRY);

  // --- no-op push vs buildx --push of the unchanged image, warm cache, both straight to the registry
  // (dockerd pushes to other loopback ports over TLS, so buildx cannot go through the counting proxy)
  const bxTag = `${REGISTRY}/${repo}:buildx`;
  sh('docker', [...buildArgs(contextA), '--push', '-t', bxTag]); // warm the build cache and the registry
  const bx = [];
  for (let i = 0; i < RUNS; i++)
    bx.push((await timed(() => sh('docker', [...buildArgs(contextA), '--push', '-t', bxTag]))).ms);

  const tag = `${REGISTRY}/${repo}:1.0.0`;
  await registry.pushLayout(layoutA, [tag]);
  const noop = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await timed(() => registry.pushLayout(layoutA, [tag]));
    if (run.value[0].status !== 'unchanged') throw new Error(`expected unchanged, got ${run.value[0].status}`);
    noop.push(run.ms);
  }
  // the same no-op as a fresh process, so Node's start-up is paid as buildx pays the CLI's
  const script = `require(${JSON.stringify(compiledRegistry)}).pushLayout(${JSON.stringify(layoutA)}, [${JSON.stringify(tag)}]).then((r) => { if (r[0].status !== 'unchanged') process.exit(1); })`;
  const noopProcess = [];
  for (let i = 0; i < RUNS; i++) noopProcess.push((await timed(() => sh(process.execPath, ['-e', script]))).ms);

  // what a no-op push sends, counted once through the proxy
  proxy.reset();
  await registry.pushLayout(layoutA, [`${proxy.address}/${repo}:1.0.0`]);
  const noopRequests = proxy.requests.length;
  const noopWrites = proxy.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length;

  // --- one small layer changed: what goes over the wire vs that layer and the whole image
  proxy.reset();
  const delta = await timed(() => registry.pushLayout(layoutB, [`${proxy.address}/${repo}:1.0.1`]));
  const deltaBlobBytes = proxy.blobBytes();
  const layers = (dir) => {
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
    const blob = (d) => JSON.parse(fs.readFileSync(path.join(dir, 'blobs/sha256', d.slice(7)), 'utf8'));
    const top = blob(index.manifests[0].digest);
    const all = new Map();
    let total = 0;
    for (const m of top.manifests) {
      const manifest = blob(m.digest);
      for (const b of [manifest.config, ...manifest.layers]) {
        if (!all.has(b.digest)) total += b.size;
        all.set(b.digest, { ...b, image: m.platform?.os === 'linux' && b !== manifest.config });
      }
    }
    return { all, total };
  };
  const a = layers(layoutA);
  const b = layers(layoutB);
  const changedLayers = [...b.all.values()].filter((x) => x.image && !a.all.has(x.digest));
  const changedLayerBytes = changedLayers.reduce((s, x) => s + x.size, 0);
  const otherNew = [...b.all.values()].filter((x) => !x.image && !a.all.has(x.digest));
  const otherNewBytes = otherNew.reduce((s, x) => s + x.size, 0);
  await proxy.close();

  const bxMed = median(bx);
  const noopMed = median(noop);
  console.log(`push benchmark — ${RUNS} runs each, image: busybox + ${BIG_MIB} MiB layer + small layer, 2 platforms`);
  console.log('');
  console.log('| case | median | requests | write requests |');
  console.log('|---|---|---|---|');
  console.log(`| docker buildx build --push (unchanged, warm cache) | ${fmt(bxMed)} | not counted | not counted |`);
  console.log(`| nx push from dist/ (unchanged: no-op) | ${fmt(noopMed)} | ${noopRequests} | ${noopWrites} |`);
  console.log(`| nx push from dist/ (unchanged: no-op), fresh node process | ${fmt(median(noopProcess))} | 2 | 0 |`);
  console.log(
    `ratio buildx --push / no-op push: ${(bxMed / noopMed).toFixed(1)}x in-process, ${(bxMed / median(noopProcess)).toFixed(1)}x as a process`,
  );
  console.log('');
  console.log(
    `one small layer changed: push took ${fmt(delta.ms)}, reported ${kib(delta.value[0].bytesUploaded)} uploaded`,
  );
  console.log(`  blob bytes over the wire:      ${kib(deltaBlobBytes)} in ${delta.value[0].blobs.uploaded} blobs`);
  console.log(`  changed image layer(s):        ${kib(changedLayerBytes)} in ${changedLayers.length} layer(s)`);
  console.log(`  new configs + attestations:    ${kib(otherNewBytes)} in ${otherNew.length} blobs`);
  console.log(`  whole image (all blobs):       ${kib(b.total)}`);
  console.log(`ratio blob bytes uploaded / changed layer size: ${(deltaBlobBytes / changedLayerBytes).toFixed(2)}`);
  console.log(`ratio blob bytes uploaded / whole image:        ${(deltaBlobBytes / b.total).toFixed(4)}`);
}

main().catch((e) => {
  console.error(e.stderr || e.message);
  process.exit(1);
});
