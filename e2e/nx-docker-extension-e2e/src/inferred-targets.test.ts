import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTestWorkspace, type TestWorkspace, workspaceNxVersion } from './test-workspace';

// The plugin's peer range is ">=22.0.0 <23.0.0": both ends that exist on npm load it.
const nxVersions = [...new Set([workspaceNxVersion, process.env.NXDE_E2E_OLDEST_NX ?? '22.0.0'])];

// What `docker extension init` writes (trimmed): no package.json, no project.json.
const INIT_DOCKERFILE = `FROM golang:1.21-alpine AS builder
ENV CGO_ENABLED=0
WORKDIR /backend
COPY backend/go.* .
RUN go mod download
COPY backend/. .
RUN go build -trimpath -ldflags="-s -w" -o bin/service

FROM --platform=$BUILDPLATFORM node:21.6-alpine3.18 AS client-builder
WORKDIR /ui
COPY ui/package.json /ui/package.json
COPY ui/package-lock.json /ui/package-lock.json
RUN npm ci
COPY ui /ui
RUN npm run build

FROM alpine
LABEL org.opencontainers.image.title="My extension" \\
    com.docker.desktop.extension.api.version="0.3.4"
COPY --from=builder /backend/bin/service /
COPY docker-compose.yaml .
COPY metadata.json .
COPY docker.svg .
COPY --from=client-builder /ui/build ui
CMD /service -socket /run/guest-services/backend.sock
`;
const INIT_METADATA = {
  icon: 'docker.svg',
  vm: { composefile: 'docker-compose.yaml', exposes: { socket: 'backend.sock' } },
  ui: {
    'dashboard-tab': { title: 'My extension', src: 'index.html', root: 'ui', backend: { socket: 'backend.sock' } },
  },
};

describe.each(nxVersions)('inferred targets in a fresh workspace (nx %s)', (nxVersion) => {
  let ws: TestWorkspace;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(ws.dir, path)), { recursive: true });
    writeFileSync(join(ws.dir, path), text);
  };

  beforeAll(() => {
    ws = createTestWorkspace({ nxVersion, name: 'nxde-infer' });
    const nxJsonPath = join(ws.dir, 'nx.json');
    const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8'));
    nxJson.plugins = ['nx-docker-extension'];
    writeFileSync(nxJsonPath, JSON.stringify(nxJson, null, 2));
    write('extensions/my-extension/Dockerfile', INIT_DOCKERFILE);
    write('extensions/my-extension/metadata.json', JSON.stringify(INIT_METADATA, null, 2));
    write('extensions/my-extension/.dockerignore', 'ui/node_modules\n*.md\n');
    write('extensions/my-extension/README.md', '# My extension\n');
    write('extensions/my-extension/docker-compose.yaml', 'services:\n  x:\n    image: ${DESKTOP_PLUGIN_IMAGE}\n');
    write('extensions/my-extension/backend/main.go', 'package main\n');
    write('extensions/my-extension/ui/package.json', '{}');
  });
  afterAll(() => ws?.cleanup());

  it('`nx show projects` lists a folder made by `docker extension init`, named after the folder', () => {
    const result = ws.run(join(ws.dir, 'node_modules/.bin/nx'), ['show', 'projects', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toContain('my-extension');
    // No deprecation or plugin warnings for createNodes/createNodesV2 on this Nx version.
    expect(result.stderr).not.toMatch(/createNodes|deprecat|warn/i);
  });

  it('`nx show project --json` has build, verify and push with executors, cache settings and descriptions', () => {
    const project = JSON.parse(ws.nx(['show', 'project', 'my-extension', '--json']));
    expect(project.root).toBe('extensions/my-extension');
    const { build, verify, push, 'verify-remote': verifyRemote } = project.targets;
    expect(build.executor).toBe('nx-docker-extension:build');
    expect(verify.executor).toBe('nx-docker-extension:verify');
    expect(push.executor).toBe('nx-docker-extension:push');
    expect(verifyRemote.executor).toBe('nx-docker-extension:verify-remote');
    expect([build.cache, verify.cache, push.cache, verifyRemote.cache]).toEqual([true, true, false, false]);
    expect(build.dependsOn).toEqual(['^build']);
    expect(verify.dependsOn).toEqual(['build']);
    expect(push.dependsOn).toEqual(['verify']);
    expect(verifyRemote.dependsOn).toEqual(['build']);
    expect(build.outputs).toEqual([
      '{workspaceRoot}/dist/{projectRoot}/image',
      '{workspaceRoot}/dist/{projectRoot}/image.json',
    ]);
    expect(build.inputs).toContain('!{workspaceRoot}/extensions/my-extension/*.md');
    for (const target of [build, verify, push]) {
      expect(target.metadata.technologies).toEqual(['docker']);
      expect(target.metadata.description.length).toBeGreaterThan(30);
    }
  });

  it('a project.json beside the Dockerfile overrides the inferred options', () => {
    write(
      'extensions/my-extension/project.json',
      JSON.stringify({
        name: 'my-extension',
        targets: {
          build: { options: { buildContexts: { alpine: 'docker-image://127.0.0.1:5000/testbed/busybox:1' } } },
        },
      }),
    );
    const project = JSON.parse(ws.nx(['show', 'project', 'my-extension', '--json']));
    expect(project.targets.build.executor).toBe('nx-docker-extension:build');
    expect(project.targets.build.options.buildContexts).toEqual({
      alpine: 'docker-image://127.0.0.1:5000/testbed/busybox:1',
    });
    expect(project.targets.build.inputs).toContain('!{workspaceRoot}/extensions/my-extension/*.md');
  });

  it("the Dockerfile copying a UI project's output makes a graph edge, so ^build and affected follow it", () => {
    write('extensions/my-extension/ui/package.json', JSON.stringify({ name: 'my-extension-ui', version: '0.0.0' }));
    write('extensions/my-extension/ui/project.json', JSON.stringify({ name: 'my-extension-ui' }));
    ws.nx(['graph', '--file=graph.json']);
    const graph = JSON.parse(readFileSync(join(ws.dir, 'graph.json'), 'utf8')).graph;
    expect(graph.dependencies['my-extension']).toContainEqual(
      expect.objectContaining({ source: 'my-extension', target: 'my-extension-ui', type: 'static' }),
    );
    const affected = JSON.parse(
      ws.nx(['show', 'projects', '--affected', '--files=extensions/my-extension/ui/package.json', '--json']),
    );
    expect(affected).toEqual(expect.arrayContaining(['my-extension-ui', 'my-extension']));
  });

  it('a broken folder does not break the graph; two folders with one name give one clear error', () => {
    write('extensions/broken/Dockerfile', 'FROM alpine\n');
    write('extensions/broken/metadata.json', '{ not json');
    const projects = JSON.parse(ws.nx(['show', 'projects', '--json']));
    expect(projects).toEqual(expect.arrayContaining(['my-extension', 'broken']));
    const broken = JSON.parse(ws.nx(['show', 'project', 'broken', '--json']));
    expect(broken.targets.build.metadata.description).toMatch(/metadata\.json is not valid JSON/);

    write('other/my-extension/Dockerfile', 'FROM alpine\n');
    write('other/my-extension/metadata.json', '{}');
    const result = ws.run(join(ws.dir, 'node_modules/.bin/nx'), ['show', 'projects']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(
      /both named "my-extension": extensions\/my-extension \(from project\.json\) and other\/my-extension \(from the folder name\)/,
    );
  });
});
