/** Bounds on bus messages (configurable through `limits` in the config). */
export interface BusLimits {
  payloadBytes: number;
  envelopeBytes: number;
  findings: number;
}

export const DEFAULT_LIMITS: BusLimits = { payloadBytes: 12 * 1024, envelopeBytes: 16 * 1024, findings: 50 };

export const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
