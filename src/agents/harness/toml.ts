/** TOML values for `codex -c key=value` overrides (JSON string syntax is valid TOML for basic strings). */
export const tomlString = (value: string) => JSON.stringify(value);
export const tomlArray = (values: string[]) => `[${values.map(tomlString).join(',')}]`;
export const tomlTable = (entries: Record<string, string>) =>
  `{${Object.entries(entries).map(([k, v]) => `${tomlString(k)}=${tomlString(v)}`).join(',')}}`;
