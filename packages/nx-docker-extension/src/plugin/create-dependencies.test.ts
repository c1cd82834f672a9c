import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DependencyType,
  validateDependency,
  type CreateDependenciesContext,
  type ProjectConfiguration,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { createDependencies } from './create-dependencies';

let workspaceRoot: string;

beforeEach(() => (workspaceRoot = mkdtempSync(join(tmpdir(), 'nxde-deps-'))));
afterEach(() => {
  // Nx's native workspace context keeps writing under .nx/workspace-data for a moment after a test: a temp
  // folder that outlives its test is harmless, a test failed by its cleanup is not.
  try {
    rmSync(workspaceRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // left in the OS temp folder
  }
});

function extensionProject(root: string, options: Record<string, unknown> = {}): ProjectConfiguration {
  return { root, targets: { build: { executor: 'nx-docker-extension:build', options } } };
}

/** A dependencies context over real files: each project owns the files under its root. */
function graphContext(
  projects: Record<string, ProjectConfiguration>,
  files: Record<string, string>,
): CreateDependenciesContext {
  const projectFileMap: CreateDependenciesContext['fileMap']['projectFileMap'] = {};
  const nonProjectFiles: CreateDependenciesContext['fileMap']['nonProjectFiles'] = [];
  const roots = Object.entries(projects).sort(([, a], [, b]) => b.root.length - a.root.length);
  for (const name of Object.keys(projects)) projectFileMap[name] = [];
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
    const owner = roots.find(([, p]) => file.startsWith(`${p.root}/`));
    const data = { file, hash: String(text.length) + text.slice(0, 8) };
    if (owner) projectFileMap[owner[0]].push(data);
    else nonProjectFiles.push(data);
  }
  const fileMap = { projectFileMap, nonProjectFiles };
  return {
    projects,
    fileMap,
    filesToProcess: fileMap,
    externalNodes: {},
    nxJsonConfiguration: {},
    workspaceRoot,
  };
}

async function dependencies(context: CreateDependenciesContext): Promise<RawProjectGraphDependency[]> {
  const deps = await createDependencies(undefined, context);
  for (const dep of deps) validateDependency(dep, context); // throws on an edge Nx would reject
  return deps;
}

describe('createDependencies', () => {
  it("an extension copying a UI project's build output depends on the UI project", async () => {
    const context = graphContext(
      {
        'my-ext': extensionProject('apps/my-ext'),
        'my-ext-ui': { root: 'apps/my-ext/ui' },
        other: { root: 'libs/other' },
      },
      {
        'apps/my-ext/Dockerfile': 'FROM alpine\nCOPY metadata.json /\nCOPY ui/dist /ui\n',
        'apps/my-ext/ui/package.json': '{}',
        'libs/other/index.ts': '',
      },
    );
    expect(await dependencies(context)).toEqual([
      { source: 'my-ext', target: 'my-ext-ui', type: DependencyType.static, sourceFile: 'apps/my-ext/Dockerfile' },
    ]);
  });

  it('follows a build context outside the project (context option) into other projects', async () => {
    const context = graphContext(
      {
        ext: extensionProject('apps/ext', { context: '.', dockerfile: 'apps/ext/Dockerfile' }),
        backend: { root: 'services/backend' },
        ui: { root: 'apps/ui' },
      },
      {
        'apps/ext/Dockerfile':
          'FROM golang AS b\nRUN --mount=source=services/backend,target=/src go build\nFROM alpine\nCOPY apps/ui/dist/*.js /ui/\n',
        'services/backend/main.go': 'package main',
        'apps/ui/index.html': '',
      },
    );
    expect((await dependencies(context)).map((d) => d.target)).toEqual(['backend', 'ui']);
  });

  it('a named build context that is a workspace folder counts; an image context does not', async () => {
    const context = graphContext(
      {
        ext: extensionProject('ext', {
          buildContexts: { bundle: 'apps/ui/dist', alpine: 'docker-image://127.0.0.1:5000/testbed/busybox:1' },
        }),
        ui: { root: 'apps/ui' },
      },
      {
        'ext/Dockerfile': 'FROM alpine\nCOPY --from=bundle . /ui\nCOPY --from=alpine /bin/sh /bin/\n',
        'apps/ui/x': '',
      },
    );
    expect((await dependencies(context)).map((d) => d.target)).toEqual(['ui']);
  });

  it('copying the whole context depends on the projects nested in it; a wildcard does not reach into them', async () => {
    const projects = { ext: extensionProject('ext'), 'ext-ui': { root: 'ext/ui' } };
    const whole = graphContext(projects, { 'ext/Dockerfile': 'FROM alpine\nCOPY . /\n', 'ext/ui/x': '' });
    expect((await dependencies(whole)).map((d) => d.target)).toEqual(['ext-ui']);
    const wildcard = graphContext(projects, { 'ext/Dockerfile': 'FROM alpine\nCOPY *.json /\n', 'ext/ui/x': '' });
    expect(await dependencies(wildcard)).toEqual([]);
  });

  it('no edge to itself, to stages, images, URLs or paths that leave the workspace; no duplicates', async () => {
    const context = graphContext(
      { ext: extensionProject('ext'), ui: { root: 'ui' } },
      {
        'ext/Dockerfile': [
          'FROM alpine AS s',
          'FROM alpine',
          'COPY --from=s / /',
          'ADD https://example.com/x /x',
          'COPY metadata.json icon.svg /',
          'COPY ../../../etc/passwd /',
        ].join('\n'),
        'ui/x': '',
      },
    );
    expect(await dependencies(context)).toEqual([]);
  });

  it('a missing or unparseable Dockerfile gives no edges and no error', async () => {
    const context = graphContext(
      { ext: extensionProject('ext'), broken: extensionProject('broken'), ui: { root: 'ui' } },
      { 'broken/Dockerfile': 'COPY ui /ui\nFROM\n', 'ui/x': '' },
    );
    expect(await dependencies(context)).toEqual([]);
  });

  it('projects without our build executor are left alone', async () => {
    const context = graphContext(
      { web: { root: 'web', targets: { build: { executor: 'nx:run-commands' } } }, ui: { root: 'ui' } },
      { 'web/Dockerfile': 'FROM alpine\nCOPY ../ui /ui\n', 'ui/x': '' },
    );
    expect(await dependencies(context)).toEqual([]);
  });
});
