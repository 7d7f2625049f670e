/** The result of one doctor check: failures are data, with the exact fix. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** Optional checks (a harness you do not use) are reported but do not fail the doctor. */
  optional?: boolean;
  detail: string;
  /** Further lines shown under the check (what isolation protects, say). */
  notes?: string[];
  fix?: string;
}
