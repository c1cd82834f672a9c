#!/usr/bin/env node
// Build benchmark: a two-platform build of the generated extension vs a one-platform build, through the
// plugin's build executor on the real engine. Prints the ratio of one run (medians), not a pass/fail.
//
//   npm run testbed:up && npm run build && node bench/build.bench.js [--runs 5]
//
// The extensions come from the plugin's own generator (html UI, with and without the Go backend); FROM
// alpine/golang are replaced by the test bed's images through buildContexts, the Dockerfile stays as generated.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const plugin = path.join(root, 'dist/packages/nx-docker-extension');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const baseImage = process.env.BASE_IMAGE || '127.0.0.1:5000/testbed/busybox:1';
const goImage = process.env.GO_IMAGE || '127.0.0.1:5000/testbed/golang:1';

if (!fs.existsSync(path.join(plugin, 'src/executors/build/executor.js'))) {
  execFileSync(process.execPath, [path.join(root, 'tools/build-plugin.js')], { stdio: 'inherit' });
}
const { logger } = require('@nx/devkit');
const { createTreeWithEmptyWorkspace } = require('@nx/devkit/testing');
const buildExecutor = require(path.join(plugin, 'src/executors/build/executor.js')).default;
const { extensionGenerator } = require(path.join(plugin, 'src/generators/extension/generator.js'));
const versions = require(path.join(plugin, 'src/generators/extension/versions.js'));

/** Writes what the generator produced into a fresh workspace folder; returns the project root. */
async function generateExtension(workspace, name, backend) {
  const tree = createTreeWithEmptyWorkspace();
  await extensionGenerator(tree, { name, ui: 'html', backend, skipInstall: true, skipFormat: true });
  for (const change of tree.listChanges()) {
    if (change.type === 'DELETE') continue;
    const file = path.join(workspace, change.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, change.content);
  }
  const projectRoot = path.dirname(tree.listChanges().find((c) => c.path.endsWith('/Dockerfile')).path);
  // An older template's `# syntax=` line would fetch docker/dockerfile from Docker Hub, unreachable here.
  const dockerfile = path.join(workspace, projectRoot, 'Dockerfile');
  fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace(/^# syntax=.*\n/, ''));
  return projectRoot;
}

function engineVersion() {
  try {
    return execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe' }).toString().trim();
  } catch {
    console.error('No Docker engine answers. Run `npm run testbed:up` first.');
    process.exit(1);
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeBuild(workspace, projectRoot, options) {
  const name = path.basename(projectRoot);
  const context = {
    root: workspace,
    cwd: workspace,
    isVerbose: false,
    projectName: name,
    projectsConfigurations: { version: 2, projects: { [name]: { root: projectRoot } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  };
  const start = process.hrtime.bigint();
  const result = await buildExecutor(options, context);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!result.success) throw new Error(`build failed: ${JSON.stringify(options.platforms)}`);
  return seconds;
}

async function scenario(name, workspace, projectRoot, dockerfile, noCache) {
  const base = {
    dockerfile,
    progress: 'quiet',
    noCache,
    buildContexts: {
      [`alpine:${versions.ALPINE_TAG}`]: `docker-image://${baseImage}`,
      [`golang:${versions.GOLANG_TAG}`]: `docker-image://${goImage}`,
    },
  };
  const one = { ...base, platforms: ['linux/amd64'] };
  const two = { ...base, platforms: ['linux/amd64', 'linux/arm64'] };
  await timeBuild(workspace, projectRoot, two); // warm-up: base images and Go's build cache mount
  const times = { one: [], two: [] };
  for (let i = 0; i < runs; i++) {
    times.one.push(await timeBuild(workspace, projectRoot, one));
    times.two.push(await timeBuild(workspace, projectRoot, two));
  }
  const m1 = median(times.one);
  const m2 = median(times.two);
  console.log(
    `${name.padEnd(58)} 1 platform ${m1.toFixed(2)} s   2 platforms ${m2.toFixed(2)} s   ratio ${(m2 / m1).toFixed(2)}`,
  );
  return { name, one: times.one, two: times.two, ratio: m2 / m1 };
}

async function main() {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nxde-bench-build-'));
  const quiet = [silence(logger, 'info'), silence(logger, 'warn')];
  try {
    const plain = await generateExtension(workspace, 'html-ext', 'none');
    const go = await generateExtension(workspace, 'go-ext', 'go');
    // The default extension plus one CPU-bound RUN in its final stage: for arm64 that step runs under QEMU.
    const withRun = path.join(plain, 'Dockerfile.run');
    const text = fs.readFileSync(path.join(workspace, plain, 'Dockerfile'), 'utf8');
    fs.writeFileSync(
      path.join(workspace, withRun),
      `${text}RUN i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo $i > /count\n`,
    );
    console.log(`build benchmark: ${runs} runs each, medians; engine ${engineVersion()}`);
    await scenario('generated (html UI), cold (--no-cache)', workspace, plain, undefined, true);
    await scenario('generated (html UI + Go backend), cold', workspace, go, undefined, true);
    await scenario('generated (html UI + Go backend), warm cache', workspace, go, undefined, false);
    await scenario('generated (html UI) + RUN in final stage, cold', workspace, plain, withRun, true);
  } finally {
    quiet.forEach((restore) => restore());
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

/** Silences one logger method (the executor's per-build summary) for the benchmark's own table. */
function silence(target, method) {
  const original = target[method];
  target[method] = () => undefined;
  return () => (target[method] = original);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
