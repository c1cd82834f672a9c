import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combineOptionsForExecutor } from 'nx/src/utils/params';

// Every executor's schema.json put through Nx's own option merging, as `nx run` does before calling it.
const PACKAGE = join(__dirname, '../..');
const executors: Record<string, { schema: string }> = JSON.parse(
  readFileSync(join(PACKAGE, 'executors.json'), 'utf8'),
).executors;
const schemaOf = (name: string) => JSON.parse(readFileSync(join(PACKAGE, executors[name].schema), 'utf8'));

function combine(name: string, target: { options?: object; configurations?: Record<string, object> }, config?: string) {
  return combineOptionsForExecutor({}, config ?? '', target, schemaOf(name), 'my-ext', '');
}

describe('executor schemas, merged by Nx', () => {
  it.each(Object.keys(executors))('%s rejects an unknown option by name', (name) => {
    expect(() => combine(name, { options: { platfroms: ['linux/amd64'] } })).toThrow(
      /'platfroms' is not found in schema/,
    );
  });

  it.each([
    ['build', { force: true }, 'force'], // a push option
    ['push', { platforms: ['linux/amd64'] }, 'platforms'], // a build option
    ['verify', { tags: ['a/b:1'] }, 'tags'], // a push option
    ['verify-remote', { remote: false }, 'remote'], // always on
  ])('%s rejects an option that belongs elsewhere', (name, options, key) => {
    expect(() => combine(name, { options })).toThrow(new RegExp(`'${key}' is not found in schema`));
  });

  it('applies a configuration over the options, so `-c ci` can set per-environment build settings', () => {
    const target = {
      options: { platforms: ['linux/amd64', 'linux/arm64'], progress: 'plain' },
      configurations: { ci: { cacheFrom: ['type=registry,ref=r.example/acme/x:cache'], progress: 'quiet' } },
    };
    expect(combine('build', target, 'ci')).toMatchObject({
      platforms: ['linux/amd64', 'linux/arm64'],
      cacheFrom: ['type=registry,ref=r.example/acme/x:cache'],
      progress: 'quiet',
    });
    expect(combine('build', target)).not.toHaveProperty('cacheFrom');
  });

  it('checks option types from the schema (a string where a boolean belongs)', () => {
    expect(() => combine('push', { options: { force: 'yes' } })).toThrow(/force/);
  });
});
