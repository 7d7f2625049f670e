/**
 * GitHub Actions workflow commands (`::name key=value,key=value::message`), escaped as @actions/core's
 * command.ts does: `%`, CR and LF in the message; those and also `:` and `,` in property values. Without it a
 * finding's body could end the command early or start a new one on its own line.
 */
export const escapeData = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export const escapeProperty = (text: string): string => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One workflow command line; properties with no value are left out (as the toolkit does). */
export function workflowCommand(name: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}
