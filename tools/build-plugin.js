#!/usr/bin/env node
// Compiles the plugin and copies what tsc does not (json, templates, README) into dist/packages/.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkgDir = path.join(root, 'packages/nx-docker-extension');
const outDir = path.join(root, 'dist/packages/nx-docker-extension');

fs.rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(pkgDir, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});

for (const file of ['package.json', 'generators.json', 'executors.json', 'README.md']) {
  const from = path.join(pkgDir, file);
  if (fs.existsSync(from)) fs.copyFileSync(from, path.join(outDir, file));
}
// Schemas, template folders (files/) and other non-TS assets under src/.
(function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    const rel = path.relative(pkgDir, from);
    if (entry.isDirectory()) {
      if (entry.name === 'files') fs.cpSync(from, path.join(outDir, rel), { recursive: true });
      else if (entry.name !== '__snapshots__' && entry.name !== 'test-support') copyAssets(from);
    } else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(outDir, rel));
    }
  }
})(path.join(pkgDir, 'src'));
console.log(`built ${path.relative(root, outDir)}`);
