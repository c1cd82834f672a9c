// The verify report as people read it: a platform × rule table, then every finding, every switched-off rule.
import { RuleStatus } from '../extension/rule-set';
import { VerifyReport } from './verify-image';

const CELL: Record<RuleStatus, string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', off: 'off', 'n/a': '-' };

export function formatVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  lines.push(
    `Verified ${report.source.location} (${report.source.kind === 'layout' ? 'OCI layout' : 'registry'}), profile ${report.profile}${report.strict ? ', strict' : ''}`,
  );
  lines.push(`  read ${report.digest}`);
  if (report.expectedDigest) {
    const other =
      report.source.kind === 'registry'
        ? 'the registry holds another image than the one built (push it, or rebuild)'
        : 'image.json is stale (run the build target again)';
    lines.push(
      report.matchesExpected
        ? `  same digest as the build in dist/ (image.json indexDigest)`
        : `  DIFFERENT from the build in dist/ (image.json indexDigest ${report.expectedDigest}): ${other}`,
    );
  }
  lines.push('');
  const columns = ['image', ...report.platforms.map((p) => p.platform)];
  const rules = [...new Set(report.results.map((r) => r.rule))];
  const cell = (rule: string, where: string) => {
    const r = report.results.find((x) => x.rule === rule && x.where === where);
    return r ? CELL[r.status] : '';
  };
  const rows = [['rule', ...columns], ...rules.map((rule) => [rule, ...columns.map((c) => cell(rule, c))])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows)
    lines.push(
      row
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );

  const failures = report.results.flatMap((r) => r.findings.filter((f) => f.level === 'fail').map((f) => ({ r, f })));
  const warnings = report.results.flatMap((r) => r.findings.filter((f) => f.level === 'warn').map((f) => ({ r, f })));
  if (failures.length) {
    lines.push('', `Failures (${failures.length}):`);
    for (const { r, f } of failures) lines.push(`  FAIL [${r.rule}] ${f.message}`);
  }
  if (warnings.length) {
    lines.push('', `Warnings (${warnings.length})${report.strict ? ', which fail in strict mode' : ''}:`);
    for (const { r, f } of warnings) lines.push(`  warn [${r.rule}] ${f.message}`);
  }
  const off = Object.entries(report.disabledRules);
  if (off.length) {
    lines.push('', 'Switched off by the project:');
    for (const [rule, reason] of off) lines.push(`  off  [${rule}] ${reason}`);
  }
  const s = report.stats;
  lines.push(
    '',
    `${report.passed ? 'PASSED' : 'FAILED'}: ${report.summary.fail} failed, ${report.summary.warn} warned, ${report.summary.pass} passed, ${report.summary.off} off, ${report.summary['n/a']} not applicable.`,
    `Read ${s.distinctLayers} distinct layer(s) ${s.secondReads ? `(${s.secondReads} re-read) ` : ''}- ${formatBytes(s.compressedBytes + s.metadataBytes)} of a ${formatBytes(s.imageBytes)} image, ${formatBytes(s.decompressedBytes)} unpacked in memory, in ${(s.durationMs / 1000).toFixed(2)} s.`,
  );
  return lines.join('\n');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
