import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf8'));
const types = readFileSync(join(__dirname, 'schema.d.ts'), 'utf8');

describe('verify executor schema', () => {
  it('has exactly the agreed options and rejects others', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['disabledRules', 'image', 'imagePath', 'marketplace', 'platforms', 'remote', 'reportPath', 'strict'].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
  });

  it('declares every option in schema.d.ts', () => {
    for (const key of Object.keys(schema.properties)) expect(types).toMatch(new RegExp(`^\\s+${key}\\?:`, 'm'));
  });

  it('accepts platform names like linux/arm64 and linux/arm/v7 only', () => {
    const pattern = new RegExp(schema.properties.platforms.items.pattern);
    expect(['linux/amd64', 'linux/arm64', 'linux/arm/v7'].every((p) => pattern.test(p))).toBe(true);
    expect(['linux', 'linux/arm64/', 'Linux/AMD64', 'linux amd64'].some((p) => pattern.test(p))).toBe(false);
  });
});
