import { engineUnreachableAdvice } from './engine';

describe('engineUnreachableAdvice', () => {
  it('says how to start the engine, naming DOCKER_HOST when set', () => {
    const advice = engineUnreachableAdvice(
      'Cannot connect to the Docker daemon at tcp://10.0.0.9:2375. Is the docker daemon running?',
      { DOCKER_HOST: 'tcp://10.0.0.9:2375' },
    );
    expect(advice).toContain('not reachable (DOCKER_HOST=tcp://10.0.0.9:2375)');
    expect(advice).toContain('sudo systemctl start docker');
    expect(advice).toContain('docker context ls');
  });

  it('says how to get permission on the socket', () => {
    const advice = engineUnreachableAdvice(
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.45/version": dial unix /var/run/docker.sock: connect: permission denied',
      {},
    );
    expect(advice).toContain('sudo usermod -aG docker');
  });

  it('leaves other failures alone', () => {
    expect(engineUnreachableAdvice('template: :1: unexpected "}"', {})).toBeUndefined();
  });
});
