#!/usr/bin/env node
// `npm run demo`: the whole product in one command on a fresh machine. Brings up the test bed
// when no engine answers, makes a workspace in a temp folder with the packed plugin, generates an
// extension with a UI and a host binary, builds both platforms, verifies, pushes to the local
// registry, verifies the pushed copy, runs it all again (cache hits), and prints a summary.
// Options: --keep (leave the workspace), --verbose (show every command's output).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const keep = process.argv.includes('--keep');
const verbose = process.argv.includes('--verbose');
const nxVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/nx/package.json'), 'utf8')).version;

function step(title) {
  console.log(`\n▶ ${title}`);
}

function run(command, args, options = {}) {
  const shown = [command, ...args].join(' ');
  if (verbose) console.log(`  $ ${shown}`);
  const r = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: options.inherit ? 'inherit' : 'pipe',
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (verbose && !options.inherit) process.stdout.write(output.replace(/^/gm, '    '));
  if (r.status !== 0 && !options.allowFailure) {
    if (!verbose && !options.inherit) process.stdout.write(output);
    throw new Error(`\`${shown}\` exited with ${r.status ?? r.signal}`);
  }
  return { status: r.status, output };
}

function engineAnswers() {
  const probe = (args) => spawnSync('docker', args, { stdio: 'ignore', timeout: 20000 }).status === 0;
  return probe(['info', '--format', '{{.ServerVersion}}']) && probe(['buildx', 'version']);
}

// Where tools/docker-engine/up.sh put the registry and base images (its env file), overridable by env vars.
function testBed() {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const state = process.env.NXDE_TESTBED_STATE || path.join(cache, 'nx-docker-extension', 'docker-engine', 'state');
  const file = process.env.NXDE_TESTBED_ENV || path.join(state, 'testbed.env');
  const values = {};
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) values[m[1]] = m[2].replace(/^["']|["']$/g, '');
    }
  }
  const pick = (key, fallback) => process.env[key] || values[key] || fallback;
  return {
    registry: pick('REGISTRY', '127.0.0.1:5000'),
    baseImage: pick('BASE_IMAGE', '127.0.0.1:5000/testbed/busybox:1'),
    goImage: pick('GO_IMAGE', '127.0.0.1:5000/testbed/golang:1'),
  };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** Tasks Nx ran and whether each came from the cache, from its `> nx run p:t [args] [local cache]` lines. */
function nxTasks(output) {
  const tasks = new Map();
  for (const [, task, rest] of output.matchAll(/^\s*>\s+nx run (\S+:\S+)(.*)$/gm)) {
    tasks.set(task, /\[(local|remote) cache\]|existing outputs match the cache/.test(rest));
  }
  return tasks;
}

// A real host binary for both architectures: busybox from the test bed's base image, one per variant.
function hostBinaries(bed, dest, work) {
  const dockerfile = path.join(work, 'Dockerfile.host-binary');
  fs.writeFileSync(dockerfile, 'FROM busybox-base AS base\nFROM scratch\nCOPY --from=base /bin/busybox /hello\n');
  const out = path.join(work, 'host-binary-out');
  run('docker', [
    'buildx',
    'build',
    '--platform',
    'linux/amd64,linux/arm64',
    '--build-context',
    `busybox-base=docker-image://${bed.baseImage}`,
    '-f',
    dockerfile,
    '-o',
    `type=local,dest=${out}`,
    work,
  ]);
  for (const arch of ['amd64', 'arm64']) {
    const target = path.join(dest, `binaries/linux-${arch}/hello`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(out, `linux_${arch}`, 'hello'), target);
    fs.chmodSync(target, 0o755);
  }
}

/** The host binary paths metadata.json lists. */
function hostBinaryPaths(metadataFile) {
  const metadata = readJson(metadataFile);
  const paths = (metadata.host?.binaries ?? []).flatMap((entry) =>
    Object.values(entry)
      .flat()
      .map((b) => b.path),
  );
  return paths.join(', ') || 'none';
}

/** `<tag>  pushed  4.1 MiB uploaded (…)  sha256:…` → `pushed, 4.1 MiB uploaded (…)`. */
function pushOutcome(output) {
  const line = output.split('\n').find((l) => /\s(pushed|unchanged)\s/.test(l));
  if (!line) return 'not reported';
  const [, status, rest] = /\s(pushed|unchanged)\s+(.*?)\s+sha256:/.exec(line) ?? [null, 'unknown', line];
  return `${status}, ${rest}`;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => `│ ${r.map((c, i) => String(c).padEnd(widths[i])).join(' │ ')} │`;
  const rule = (l, m, r) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  return [
    rule('┌', '┬', '┐'),
    line(rows[0]),
    rule('├', '┼', '┤'),
    ...rows.slice(1).map(line),
    rule('└', '┴', '┘'),
  ].join('\n');
}

function main() {
  const started = Date.now();
  step('Docker engine with buildx and a registry');
  // Always: up.sh is idempotent, and where an engine already answers (Docker Desktop) it still provides the
  // registry on 127.0.0.1:5000 and the base images the demo builds from.
  console.log(`  ${engineAnswers() ? 'an engine answers' : 'no engine answers'}: tools/docker-engine/up.sh`);
  run('bash', [path.join(root, 'tools/docker-engine/up.sh')], { inherit: true });
  if (!engineAnswers()) throw new Error('the test bed came up but `docker info` still does not answer');
  const bed = testBed();

  step('Packing the plugin');
  const tarball = path.join(
    root,
    run(process.execPath, [path.join(root, 'tools/package-plugin.js')])
      .output.trim()
      .split('\n')
      .pop(),
  );
  console.log(`  ${path.relative(root, tarball)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxde-demo-'));
  const image = `${bed.registry}/nxde-demo/my-ext-${Date.now().toString(36)}`;
  const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' };
  const nx = (...args) => run(path.join(dir, 'node_modules/.bin/nx'), args, { cwd: dir, env });
  try {
    step(`A new Nx ${nxVersion} workspace in ${dir}`);
    writeJson(path.join(dir, 'package.json'), { name: 'demo', version: '0.0.0', private: true });
    writeJson(path.join(dir, 'nx.json'), { $schema: './node_modules/nx/schemas/nx-schema.json' });
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ndist\n.nx\n');
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '-D',
        `nx@${nxVersion}`,
        `@nx/devkit@${nxVersion}`,
        tarball,
      ],
      {
        cwd: dir,
      },
    );

    step('nx g nx-docker-extension:init, :extension my-ext (HTML UI), :host-binary hello');
    nx('g', 'nx-docker-extension:init', '--no-interactive');
    nx(
      'g',
      'nx-docker-extension:extension',
      'my-ext',
      '--directory=apps/my-ext',
      '--ui=html',
      '--backend=none',
      `--image=${image}`,
      '--no-interactive',
    );
    const shown = nx('show', 'project', 'my-ext', '--json').output;
    const projectRoot = JSON.parse(shown.slice(shown.indexOf('{'))).root;
    hostBinaries(bed, path.join(dir, projectRoot), dir);
    nx('g', 'nx-docker-extension:host-binary', '--project=my-ext', '--name=hello', '--os=linux', '--no-interactive');
    // Docker Hub is out of reach: the test bed's busybox stands in for alpine, set in nx.json (Dockerfile unchanged).
    const dockerfile = fs.readFileSync(path.join(dir, projectRoot, 'Dockerfile'), 'utf8');
    const buildContexts = {};
    for (const [, from] of dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gim)) {
      if (from.startsWith('alpine')) buildContexts[from] = `docker-image://${bed.baseImage}`;
      if (from.startsWith('golang')) buildContexts[from] = `docker-image://${bed.goImage}`;
    }
    const nxJson = readJson(path.join(dir, 'nx.json'));
    nxJson.targetDefaults ??= {};
    nxJson.targetDefaults['nx-docker-extension:build'] = {
      ...nxJson.targetDefaults['nx-docker-extension:build'],
      options: { buildContexts },
    };
    writeJson(path.join(dir, 'nx.json'), nxJson);
    console.log(
      `  base images: ${Object.entries(buildContexts)
        .map(([k, v]) => `${k} → ${v}`)
        .join(', ')}`,
    );

    step('nx run my-ext:push  (build linux/amd64 + linux/arm64 → verify → push)');
    const first = nx('run', 'my-ext:push');
    const firstPush = pushOutcome(first.output);
    console.log(`  ${firstPush}`);

    step('nx run my-ext:verify-remote  (the copy in the registry; never cached)');
    nx('run', 'my-ext:verify-remote');
    const remoteReport = readJson(path.join(dir, 'dist', projectRoot, 'verify-remote.json'));

    step('nx run my-ext:push again  (nothing changed)');
    const second = nx('run', 'my-ext:push');
    const tasks = nxTasks(second.output);
    const hits = [...tasks.values()].filter(Boolean).length;
    const secondPush = pushOutcome(second.output);

    const summary = readJson(path.join(dir, 'dist', projectRoot, 'image.json'));
    const localReport = readJson(path.join(dir, 'dist', projectRoot, 'verify.json'));
    const checks = (report) =>
      `${report.passed ? 'passed' : 'FAILED'}: ${report.summary.pass} rules passed, ${report.summary.warn} warned, ${report.summary.fail} failed`;
    console.log(
      '\n' +
        table([
          ['', 'result'],
          ['image', summary.tags.join(', ')],
          ['platforms', summary.platforms.map((p) => p.platform).join(', ')],
          ['index digest', summary.indexDigest],
          ['verify (dist/ layout)', checks(localReport)],
          [
            'verify-remote (registry)',
            `${checks(remoteReport)}; ${remoteReport.matchesExpected ? 'same digest as dist/' : 'digest differs from dist/'}`,
          ],
          [
            'host binary',
            `${hostBinaryPaths(path.join(dir, projectRoot, 'metadata.json'))}: ${localReport.results
              .filter((r) => r.rule === 'host-binary-arch')
              .map((r) => `${r.where} ${r.status}`)
              .join(', ')} (CPU architecture check)`,
          ],
          ['first push', firstPush],
          [
            'second run: cache hits',
            `${hits}/${tasks.size} tasks (${[...tasks].map(([t, c]) => `${t.split(':')[1]} ${c ? 'cached' : 'ran'}`).join(', ')})`,
          ],
          ['second run: push', secondPush],
          ['total time', `${((Date.now() - started) / 1000).toFixed(1)} s`],
        ]),
    );
    if (keep) console.log(`\nworkspace kept at ${dir}`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  console.error(`\ndemo failed: ${e.message}`);
  process.exit(1);
}
