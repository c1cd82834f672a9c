// One thing a rule found wrong, phrased the same way everywhere: where, what, found, expected.

export type FindingLevel = 'fail' | 'warn';

export interface Finding {
  level: FindingLevel;
  /** The platform (`linux/arm64`) or `image` for index-wide rules. */
  where: string;
  /** The file (`/darwin/kubectl`), label or tag concerned. */
  subject: string;
  found: string;
  expected: string;
  message: string;
}

export function finding(level: FindingLevel, where: string, subject: string, found: string, expected: string): Finding {
  return {
    level,
    where,
    subject,
    found,
    expected,
    message: `${where}: ${subject}: found ${found}; expected ${expected}`,
  };
}
