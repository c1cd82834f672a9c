import { RegistryClient } from './registry-client';

describe('RegistryClient.baseUrl', () => {
  const client = new RegistryClient({ insecureRegistries: ['Registry.Internal:5000'] });

  it('speaks plain HTTP to loopback registries only', () => {
    expect(client.baseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(client.baseUrl('localhost:5001')).toBe('http://localhost:5001');
    expect(client.baseUrl('[::1]:5000')).toBe('http://[::1]:5000');
    expect(client.baseUrl('10.0.0.5:5000')).toBe('https://10.0.0.5:5000');
    expect(client.baseUrl('ghcr.io')).toBe('https://ghcr.io');
  });

  it('and to registries listed as insecure (case-insensitive)', () => {
    expect(client.baseUrl('registry.internal:5000')).toBe('http://registry.internal:5000');
    expect(client.baseUrl('registry.internal:5001')).toBe('https://registry.internal:5001');
  });

  it('reaches docker.io at its API host', () => {
    expect(client.baseUrl('docker.io')).toBe('https://registry-1.docker.io');
  });
});
