// Per-platform label rules and the index-wide tag rule.
import { CheckResult, PlatformContext } from './file-checks';
import { finding } from './finding';
import { ImageUnderTest } from './image-view';
import { apiVersionProblem, categoryProblems, LabelProblem, labelFormatProblems, missingLabels } from './labels';
import { tagProblem } from './tag';

function asFindings(ctx: PlatformContext, problems: LabelProblem[]) {
  return problems.map((p) => finding('fail', ctx.p.platform, `label ${p.label}`, p.found, p.expected));
}

export function checkRequiredLabels(ctx: PlatformContext): CheckResult {
  return asFindings(ctx, missingLabels(ctx.p.labels));
}

export function checkLabelFormat(ctx: PlatformContext): CheckResult {
  return asFindings(ctx, labelFormatProblems(ctx.p.labels));
}

export function checkCategories(ctx: PlatformContext): CheckResult {
  return asFindings(ctx, categoryProblems(ctx.p.labels));
}

export function checkApiVersion(ctx: PlatformContext): CheckResult {
  const problem = apiVersionProblem(ctx.p.labels);
  return problem ? asFindings(ctx, [problem]) : [];
}

export function checkTags(image: ImageUnderTest): CheckResult {
  if (image.tags.length === 0) return { notApplicable: 'no tag to check (a digest reference)' };
  return image.tags
    .map((reference) => tagProblem(reference))
    .filter((p) => p !== undefined)
    .map((p) => finding('fail', 'image', `tag ${p.reference}`, p.found, p.expected));
}
