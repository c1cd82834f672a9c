import { normalizeTargetNames } from './options';
import { overriddenBuildPaths } from './overridden-build-paths';

const names = normalizeTargetNames(undefined);
const projectJson = (targets: object) => JSON.stringify({ name: 'ext', targets });

describe('overriddenBuildPaths', () => {
  it('finds a context, a Dockerfile and local named contexts outside the project folder', () => {
    const paths = overriddenBuildPaths(
      projectJson({
        build: {
          options: {
            context: '.',
            dockerfile: 'docker/ext.Dockerfile',
            buildContexts: {
              shared: 'libs/shared/',
              alpine: 'docker-image://127.0.0.1:5000/testbed/busybox:1',
              repo: 'https://github.com/acme/x.git',
              inside: 'apps/ext/assets',
            },
          },
        },
      }),
      'apps/ext',
      names,
    );
    expect(paths).toEqual({ folders: ['.', 'libs/shared'], files: ['docker/ext.Dockerfile'] });
  });

  it('follows the registered build target name, or any target running the build executor', () => {
    const renamed = normalizeTargetNames({ buildTargetName: 'image' });
    const text = projectJson({
      image: { options: { context: 'services' } },
      other: { executor: 'nx-docker-extension:build', options: { dockerfile: 'ops/Dockerfile' } },
      unrelated: { executor: 'nx:run-commands', options: { context: 'nope' } },
    });
    expect(overriddenBuildPaths(text, 'apps/ext', renamed)).toEqual({
      folders: ['services'],
      files: ['ops/Dockerfile'],
    });
  });

  it('adds nothing for options inside the folder, paths leaving the workspace, or no or broken project.json', () => {
    const inside = projectJson({
      build: { options: { context: 'apps/ext', dockerfile: './apps/ext/Dockerfile.prod' } },
    });
    const outside = projectJson({ build: { options: { context: '../elsewhere', dockerfile: '/etc/Dockerfile' } } });
    for (const text of [inside, outside, undefined, '{ not json', '{"targets": null}']) {
      expect(overriddenBuildPaths(text, 'apps/ext', names)).toEqual({ folders: [], files: [] });
    }
  });
});
