import { parseBuilderInspect } from './builder';

describe('parseBuilderInspect', () => {
  it('reads the docker driver builder of dockerd 26 (captured on the test bed)', () => {
    const text = `Name:          default
Driver:        docker
Last Activity: 2026-12-03 19:23:34 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.0.0+unknown
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/arm64
Labels:
 org.mobyproject.buildkit.worker.containerd.namespace: moby
 org.mobyproject.buildkit.worker.executor:             containerd
`;
    expect(parseBuilderInspect(text)).toEqual({
      name: 'default',
      driver: 'docker',
      nodes: [
        {
          name: 'default',
          endpoint: 'default',
          status: 'running',
          buildkitVersion: 'v0.0.0+unknown',
          platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/arm64'],
        },
      ],
    });
  });

  it('reads several nodes, user-set platforms (*) and node errors', () => {
    const text = `Name:   multiarch
Driver: docker-container

Nodes:
Name:      multiarch0
Endpoint:  unix:///var/run/docker.sock
Status:    running
Buildkit:  v0.13.2
Platforms: linux/amd64*, linux/386

Name:      multiarch1
Endpoint:  ssh://me@arm-box
Error:     Cannot connect to the Docker daemon at ssh://me@arm-box
`;
    const builder = parseBuilderInspect(text);
    expect(builder.driver).toBe('docker-container');
    expect(builder.nodes).toEqual([
      {
        name: 'multiarch0',
        endpoint: 'unix:///var/run/docker.sock',
        status: 'running',
        buildkitVersion: 'v0.13.2',
        platforms: ['linux/amd64', 'linux/386'],
      },
      {
        name: 'multiarch1',
        endpoint: 'ssh://me@arm-box',
        error: 'Cannot connect to the Docker daemon at ssh://me@arm-box',
        platforms: [],
      },
    ]);
  });
});
