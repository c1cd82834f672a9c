import schema from './schema.json';

describe('push executor schema', () => {
  it('has exactly the agreed options and rejects any other', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['allowLatest', 'force', 'imagePath', 'insecureRegistries', 'tags', 'verbose'].sort(),
    );
  });

  it('keeps the dangerous switches off by default', () => {
    expect(schema.properties.force.default).toBe(false);
    expect(schema.properties.allowLatest.default).toBe(false);
  });
});
