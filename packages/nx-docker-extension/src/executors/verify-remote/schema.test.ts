import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf8'));
const verify = JSON.parse(readFileSync(join(__dirname, '../verify/schema.json'), 'utf8'));

describe('verify-remote executor schema', () => {
  it("is verify's without remote (always on), and rejects other options", () => {
    const { remote: _remote, ...rest } = verify.properties;
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(rest).sort());
    expect(schema.properties.platforms).toEqual(verify.properties.platforms);
    expect(schema.additionalProperties).toBe(false);
  });
});
