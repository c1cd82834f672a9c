#!/usr/bin/env node
// Project-graph computation with 1, 100 and 500 extension folders: the same workspace with no
// plugin, with nx-docker-extension (warm and cold targets cache), and optionally (--compare) with
// @nx/docker and @nx-tools/nx-container. Ratios against no plugin, all in one run.
// With --cached-build (needs the test bed): a cached `nx run ext:build` as a whole process vs Nx's own
// floor (a cached no-op target), vs the same build uncached, and vs `docker buildx build` on a warm cache.
// Usage: node bench/graph.js [--sizes 1,100,500] [--runs 5] [--compare] [--cached-build] [--keep] [--base DIR]
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const sizes = value('sizes', '1,100,500').split(',').map(Number);
const runs = Number(value('runs', '5'));
const compare = flag('compare');
const nxVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/nx/package.json'), 'utf8')).version;

const VARIANTS = [
  { id: 'none', label: 'no plugin', plugins: [] },
  { id: 'ours', label: 'nx-docker-extension', plugins: ['nx-docker-extension'] },
  { id: 'ours-cold', label: 'nx-docker-extension, no targets cache', plugins: ['nx-docker-extension'], cold: true },
  ...(compare
    ? [
        { id: 'nx-docker', label: '@nx/docker', plugins: ['@nx/docker'] },
        { id: 'nx-container', label: '@nx-tools/nx-container', plugins: ['@nx-tools/nx-container'] },
      ]
    : []),
];

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

// One extension folder as the extension generator writes it, plus a project.json (the other plugins need one).
function writeExtension(dir, i) {
  const name = `ext-${i}`;
  write(
    path.join(dir, 'Dockerfile'),
    [
      'FROM --platform=$BUILDPLATFORM alpine AS binaries',
      'ARG TARGETARCH',
      'COPY binaries/ /binaries/',
      'RUN mkdir -p /out/linux && cp /binaries/linux-${TARGETARCH}/tool /out/linux/tool',
      '',
      'FROM alpine',
      `LABEL org.opencontainers.image.title="${name}" \\`,
      '    org.opencontainers.image.description="Bench extension" \\',
      '    org.opencontainers.image.vendor="Acme" \\',
      '    com.docker.desktop.extension.api.version=">= 0.3.4"',
      'COPY metadata.json docker.svg /',
      'COPY ui /ui',
      'COPY --from=binaries --chmod=0755 /out/ /',
      '',
    ].join('\n'),
  );
  write(
    path.join(dir, 'metadata.json'),
    JSON.stringify({ icon: 'docker.svg', ui: { 'dashboard-tab': { title: name, root: '/ui', src: 'index.html' } } }),
  );
  write(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '0.1.0',
      private: true,
      dockerExtension: { image: `acme/${name}`, platforms: ['linux/amd64', 'linux/arm64'] },
    }),
  );
  write(path.join(dir, 'project.json'), JSON.stringify({ name }));
  // What the extension generator writes (no `!` exceptions: the common case).
  write(
    path.join(dir, '.dockerignore'),
    '**/node_modules\ndist\n.git\n.env\n.env.*\n**/*.pem\n**/*.key\n**/id_rsa*\n**/id_ed25519*\nMakefile\nREADME.md\n',
  );
  write(path.join(dir, 'docker.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  write(path.join(dir, 'README.md'), `# ${name}\n`);
  write(path.join(dir, 'NOTES.md'), 'not sent\n');
  write(path.join(dir, 'ui/index.html'), '<!doctype html><title>ext</title>\n');
  write(path.join(dir, 'binaries/linux-amd64/tool'), '#!/bin/sh\n');
  write(path.join(dir, 'binaries/linux-arm64/tool'), '#!/bin/sh\n');
}

function packPlugin() {
  const tarball = execFileSync(process.execPath, [path.join(root, 'tools/package-plugin.js')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  return path.join(root, tarball);
}

// With --base, the earlier install is reused and only the plugin is replaced by a fresh pack.
function replacePlugin(dir) {
  const target = path.join(dir, 'node_modules/nx-docker-extension');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  execFileSync('tar', ['xzf', packPlugin(), '-C', target, '--strip-components=1']);
}

function installBase(dir) {
  const tarball = packPlugin();
  write(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true }));
  const packages = [`nx@${nxVersion}`, `@nx/devkit@${nxVersion}`, tarball];
  if (compare) {
    packages.push(`@nx/docker@${nxVersion}`, `@nx/js@${nxVersion}`, '@nx-tools/nx-container@7.3.0', 'dotenv', 'tslib');
  }
  console.log(`installing ${packages.map((p) => path.basename(p)).join(' ')} …`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '-D', ...packages], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function createWorkspace(base, size, name = `ws-${size}`) {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(base, 'node_modules'), path.join(dir, 'node_modules'));
  write(path.join(dir, 'package.json'), JSON.stringify({ name: `bench-${size}`, private: true }));
  write(path.join(dir, '.gitignore'), 'node_modules\ndist\n.nx\n');
  for (let i = 0; i < size; i++) writeExtension(path.join(dir, 'extensions', `ext-${i}`), i);
  // @nx/docker reads the current commit: give it one, as a real repository has.
  const git = (...a) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'bench');
  return dir;
}

function useVariant(dir, variant) {
  write(path.join(dir, 'nx.json'), JSON.stringify({ plugins: variant.plugins }, null, 2));
}

function clearTargetsCache(dir) {
  const data = path.join(dir, '.nx/workspace-data');
  if (!fs.existsSync(data)) return;
  for (const file of fs.readdirSync(data))
    if (file.startsWith('nx-docker-extension-')) fs.rmSync(path.join(data, file));
}

// Wall time of `nx show projects` in a fresh process: graph computed from scratch, no daemon.
function timeGraph(dir) {
  const start = process.hrtime.bigint();
  const r = spawnSync(path.join(dir, 'node_modules/.bin/nx'), ['show', 'projects', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_CACHE_PROJECT_GRAPH: 'false', NX_NO_CLOUD: 'true', CI: 'true' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`nx show projects failed in ${dir}:\n${r.stdout}\n${r.stderr}`);
  return { ms, projects: JSON.parse(r.stdout).length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The target names `nx show project ext-0` lists. */
function inferredTargets(dir) {
  const r = spawnSync(path.join(dir, 'node_modules/.bin/nx'), ['show', 'project', 'ext-0', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: 'true' },
  });
  if (r.status !== 0) throw new Error(`nx show project failed in ${dir}:\n${r.stdout}\n${r.stderr}`);
  return Object.keys(JSON.parse(r.stdout).targets ?? {}).sort();
}

function testBedBaseImage() {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const file = path.join(cache, 'nx-docker-extension/docker-engine/state/testbed.env');
  const line = fs.existsSync(file) ? /^BASE_IMAGE=(.*)$/m.exec(fs.readFileSync(file, 'utf8')) : null;
  return process.env.BASE_IMAGE || (line ? line[1] : '127.0.0.1:5000/testbed/busybox:1');
}

function timeProcess(dir, command, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return { ms, output: r.stdout + r.stderr };
}

// One extension, built for real: the whole `nx run` process, cached and not, against Nx's floor and plain buildx.
function cachedBuild(base) {
  fs.rmSync(path.join(base, 'ws-build'), { recursive: true, force: true });
  const dir = createWorkspace(base, 1, 'ws-build');
  const project = path.join(dir, 'extensions/ext-0');
  const baseImage = testBedBaseImage();
  write(
    path.join(dir, 'nx.json'),
    JSON.stringify({
      plugins: ['nx-docker-extension'],
      targetDefaults: {
        'nx-docker-extension:build': { options: { buildContexts: { alpine: `docker-image://${baseImage}` } } },
      },
    }),
  );
  write(
    path.join(project, 'project.json'),
    JSON.stringify({ name: 'ext-0', targets: { noop: { executor: 'nx:noop', cache: true } } }),
  );
  const nx = path.join(dir, 'node_modules/.bin/nx');
  timeProcess(dir, nx, ['run', 'ext-0:build']); // warms BuildKit's cache and Nx's
  timeProcess(dir, nx, ['run', 'ext-0:noop']);
  const times = { cached: [], floor: [], uncached: [], buildx: [] };
  const out = path.join(base, 'buildx-out');
  for (let run = 0; run < runs; run++) {
    const cached = timeProcess(dir, nx, ['run', 'ext-0:build']);
    if (!/\[local cache\]|existing outputs match the cache/.test(cached.output))
      throw new Error('build was not cached');
    times.cached.push(cached.ms);
    times.floor.push(timeProcess(dir, nx, ['run', 'ext-0:noop']).ms);
    times.uncached.push(timeProcess(dir, nx, ['run', 'ext-0:build', '--skip-nx-cache']).ms);
    fs.rmSync(out, { recursive: true, force: true });
    times.buildx.push(
      timeProcess(project, 'docker', [
        'buildx',
        'build',
        '--platform',
        'linux/amd64,linux/arm64',
        '--build-context',
        `alpine=docker-image://${baseImage}`,
        '--provenance=false',
        '--sbom=false',
        '--output',
        `type=oci,tar=false,dest=${out}`,
        '.',
      ]).ms,
    );
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  console.log(`\nOne extension, whole processes, median of ${runs} runs (warm BuildKit cache):`);
  console.log(`nx run ext:build, cached               | ${m.cached.toFixed(0)} ms`);
  console.log(
    `nx run ext:noop, cached (Nx's floor)   | ${m.floor.toFixed(0)} ms  → cached build ${(m.cached / m.floor).toFixed(2)}× the floor`,
  );
  console.log(
    `nx run ext:build --skip-nx-cache       | ${m.uncached.toFixed(0)} ms  → ${(m.uncached / m.cached).toFixed(2)}× the cached build`,
  );
  console.log(
    `docker buildx build (same build)       | ${m.buildx.toFixed(0)} ms  → ${(m.buildx / m.cached).toFixed(2)}× the cached build`,
  );
}

function main() {
  // --base DIR reuses an install from an earlier --keep run.
  const reuse = value('base', undefined);
  const base = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nxde-bench-graph-'));
  try {
    if (reuse) replacePlugin(base);
    else installBase(base);
    for (const size of sizes) fs.rmSync(path.join(base, `ws-${size}`), { recursive: true, force: true });
    if (flag('cached-build')) cachedBuild(base);
    const rows = [];
    for (const size of flag('cached-build') && !args.includes('--sizes') ? [] : sizes) {
      const dir = createWorkspace(base, size);
      const times = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
      const counts = {};
      for (const variant of VARIANTS) {
        useVariant(dir, variant);
        timeGraph(dir); // warm-up: file hashes, plugin caches
      }
      // Interleaved, so drift on the machine hits every variant alike.
      for (let run = 0; run < runs; run++) {
        for (const variant of VARIANTS) {
          useVariant(dir, variant);
          if (variant.cold) clearTargetsCache(dir);
          const { ms, projects } = timeGraph(dir);
          times[variant.id].push(ms);
          counts[variant.id] = projects;
        }
      }
      // Proof each plugin inferred something (a variant that adds no targets would time nothing but Nx itself).
      const targets = {};
      for (const variant of VARIANTS) {
        useVariant(dir, variant);
        targets[variant.id] = inferredTargets(dir);
      }
      const none = median(times.none);
      const row = { size, targets };
      for (const variant of VARIANTS) {
        const ms = median(times[variant.id]);
        row[variant.id] = { ms, ratio: ms / none, projects: counts[variant.id] };
      }
      rows.push(row);
      console.log(`${size} folders done`);
    }
    if (rows.length === 0) return;
    console.log(
      `\nProject graph, median of ${runs} runs (NX_DAEMON=false, NX_CACHE_PROJECT_GRAPH=false), nx ${nxVersion}, ${os.cpus().length} CPUs`,
    );
    console.log(['folders', ...VARIANTS.map((v) => v.label)].join(' | '));
    for (const row of rows) {
      const cells = VARIANTS.map((v) => {
        const c = row[v.id];
        return v.id === 'none'
          ? `${c.ms.toFixed(0)} ms`
          : `${c.ms.toFixed(0)} ms (${c.ratio.toFixed(2)}×, ${c.projects} projects)`;
      });
      console.log([row.size, ...cells].join(' | '));
    }
    console.log(`\nTargets of ext-0 per variant (what each plugin inferred beyond project.json):`);
    for (const v of VARIANTS) console.log(`  ${v.label}: ${rows[0].targets[v.id].join(', ') || '(none)'}`);
    const last = rows[rows.length - 1];
    if (!last) return;
    console.log(
      `\nnx-docker-extension at ${last.size} folders: ${last.ours.ratio.toFixed(2)}× no plugin (target ≤ 1.30×); ` +
        `${last['ours-cold'].ratio.toFixed(2)}× with its targets cache cleared.`,
    );
  } finally {
    if (flag('keep') || reuse) console.log(`kept ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

main();
