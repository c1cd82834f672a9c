// Image labels of an extension: which the Marketplace requires, and what each value must look like.
import { validRange } from 'semver';

export const Label = {
  title: 'org.opencontainers.image.title',
  description: 'org.opencontainers.image.description',
  vendor: 'org.opencontainers.image.vendor',
  apiVersion: 'com.docker.desktop.extension.api.version',
  icon: 'com.docker.desktop.extension.icon',
  screenshots: 'com.docker.extension.screenshots',
  detailedDescription: 'com.docker.extension.detailed-description',
  publisherUrl: 'com.docker.extension.publisher-url',
  changelog: 'com.docker.extension.changelog',
  categories: 'com.docker.extension.categories',
  additionalUrls: 'com.docker.extension.additional-urls',
  accountInfo: 'com.docker.extension.account-info',
} as const;

/** Labels the Marketplace submission check requires, non-empty. */
export const REQUIRED_LABELS: string[] = [
  Label.title,
  Label.description,
  Label.vendor,
  Label.apiVersion,
  Label.icon,
  Label.screenshots,
  Label.detailedDescription,
  Label.publisherUrl,
  Label.changelog,
  Label.categories,
];

export const EXTENSION_CATEGORIES = [
  'ci-cd',
  'container-orchestration',
  'cloud-deployment',
  'cloud-development',
  'database',
  'kubernetes',
  'networking',
  'image-registry',
  'security',
  'testing-tools',
  'utility-tools',
  'volumes',
];

export interface LabelProblem {
  label: string;
  found: string;
  expected: string;
}

/**
 * The generator writes `TODO: …` where the user gave no value (never "", which the Marketplace rejects
 * silently); such a placeholder is as missing as an empty label.
 */
export function isPlaceholder(value: string): boolean {
  return /^\s*TODO\b/.test(value);
}

export function missingLabels(labels: Record<string, string>, required = REQUIRED_LABELS): LabelProblem[] {
  return required
    .filter((name) => (labels[name] ?? '').trim() === '' || isPlaceholder(labels[name]))
    .map((name) => ({
      label: name,
      found: !(name in labels)
        ? 'no such label'
        : isPlaceholder(labels[name])
          ? `the placeholder "${labels[name].trim().slice(0, 80)}"`
          : 'an empty value',
      expected: `a non-empty value (${describeExpected(name)})`,
    }));
}

function describeExpected(name: string): string {
  switch (name) {
    case Label.apiVersion:
      return 'a semver range such as ">= 0.3.3"';
    case Label.icon:
    case Label.publisherUrl:
      return 'an https URL';
    case Label.screenshots:
      return 'a JSON array of { "alt", "url" }';
    case Label.categories:
      return `a comma list from ${EXTENSION_CATEGORIES.join(', ')}`;
    default:
      return 'text';
  }
}

/** Values that are present but malformed: JSON labels, URLs, account-info. Absent or empty labels are not checked here. */
export function labelFormatProblems(labels: Record<string, string>): LabelProblem[] {
  const problems: LabelProblem[] = [];
  const present = (name: string) => (labels[name] ?? '').trim() !== '';
  for (const [name, keys] of [
    [Label.screenshots, ['alt', 'url']],
    [Label.additionalUrls, ['title', 'url']],
  ] as const) {
    if (!present(name)) continue;
    const expected = `a JSON array of { ${keys.map((k) => `"${k}"`).join(', ')} } objects`;
    let value: unknown;
    try {
      value = JSON.parse(labels[name]);
    } catch (e) {
      problems.push({ label: name, found: `text that is not JSON (${(e as Error).message})`, expected });
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push({ label: name, found: 'JSON that is not an array', expected });
      continue;
    }
    value.forEach((item: unknown, i: number) => {
      const missing = keys.filter(
        (k) => typeof item !== 'object' || item === null || typeof (item as Record<string, unknown>)[k] !== 'string',
      );
      if (missing.length) problems.push({ label: name, found: `item ${i} lacks ${missing.join(' and ')}`, expected });
      else {
        const url = (item as Record<string, string>).url;
        if (!isHttpUrl(url))
          problems.push({ label: name, found: `item ${i} url '${url}'`, expected: 'an http(s) URL' });
      }
    });
  }
  for (const name of [Label.icon, Label.publisherUrl]) {
    if (present(name) && !isHttpUrl(labels[name])) {
      problems.push({ label: name, found: `'${labels[name]}'`, expected: 'an http(s) URL' });
    }
  }
  if (present(Label.accountInfo) && labels[Label.accountInfo].trim() !== 'required') {
    problems.push({
      label: Label.accountInfo,
      found: `'${labels[Label.accountInfo]}'`,
      expected: "'required' or empty",
    });
  }
  return problems;
}

export function categoryProblems(labels: Record<string, string>): LabelProblem[] {
  const value = (labels[Label.categories] ?? '').trim();
  if (value === '') return [];
  const unknown = value
    .split(',')
    .map((c) => c.trim())
    .filter((c) => !EXTENSION_CATEGORIES.includes(c));
  return unknown.map((c) => ({
    label: Label.categories,
    found: c === '' ? 'an empty item in the list' : `'${c}'`,
    expected: `one of ${EXTENSION_CATEGORIES.join(', ')}`,
  }));
}

export function apiVersionProblem(labels: Record<string, string>): LabelProblem | undefined {
  const value = (labels[Label.apiVersion] ?? '').trim();
  if (value === '' || validRange(value) !== null) return undefined;
  return { label: Label.apiVersion, found: `'${value}'`, expected: 'a semver version or range, e.g. ">= 0.3.3"' };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
