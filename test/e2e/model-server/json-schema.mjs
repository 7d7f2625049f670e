// Builds a small JSON value that satisfies a JSON schema, for the CLIs' structured-output side requests
// (Claude/Codex TUI title generation, Gemini's model router and next-speaker checks).

/** Known property values that make the CLIs behave simply (short title, simple route, user speaks next). */
const WELL_KNOWN = {
  title: 'Fake session',
  complexity_reasoning: 'fake router: simple',
  complexity_score: 1,
  next_speaker: 'user',
  reasoning: 'fake',
};

/** Returns a value matching `schema` (objects, arrays, enums, primitives); `overrides` wins by property name. */
export function fakeFromSchema(schema, overrides = {}, name = undefined) {
  const known = { ...WELL_KNOWN, ...overrides };
  if (name !== undefined && Object.hasOwn(known, name)) return known[name];
  if (!schema || typeof schema !== 'object') return name === undefined ? {} : 'fake';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const alt = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alt) && alt.length > 0) return fakeFromSchema(alt[0], overrides, name);
  let type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (typeof type === 'string') type = type.toLowerCase(); // Gemini's OpenAPI-style schemas say "OBJECT", "STRING"
  if (!type && schema.properties) type = 'object';
  switch (type) {
    case 'object': {
      const out = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) out[key] = fakeFromSchema(sub, overrides, key);
      return out;
    }
    case 'array':
      return schema.minItems > 0 ? [fakeFromSchema(schema.items, overrides)] : [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return 'fake';
  }
}
