import { EXTENSION_CATEGORIES, Label } from '../../extension/labels';
import type { NormalizedExtensionOptions } from './normalize-options';

/** Placeholders start with this, so `verify --marketplace` and a reader can find what is left to fill in. */
export const TODO = 'TODO:';

/**
 * The final stage's labels in a stable order: real values from the options, and for a required
 * Marketplace label without one an explicit TODO text (never "", which the Marketplace treats as missing).
 */
export function extensionLabels(o: NormalizedExtensionOptions): Array<[string, string]> {
  const screenshots = o.screenshots.length
    ? o.screenshots.map((url, i) => ({ alt: `${o.title}, screenshot ${i + 1}`, url }))
    : [{ alt: `${TODO} what the screenshot shows`, url: `${TODO} https URL of a 2400x1600 screenshot` }];
  const labels: Array<[string, string]> = [
    [Label.title, o.title],
    [Label.description, o.description ?? `${TODO} one sentence on what ${o.title} does`],
    [Label.vendor, o.vendor ?? `${TODO} your name or company`],
    [Label.apiVersion, o.apiVersion],
    [Label.icon, o.iconUrl ?? `${TODO} https URL of the icon (svg, png or jpg)`],
    [Label.screenshots, JSON.stringify(screenshots)],
    [
      Label.detailedDescription,
      o.detailedDescription ?? o.description ?? `${TODO} what ${o.title} does and for whom (text or HTML)`,
    ],
    [Label.publisherUrl, o.publisherUrl ?? `${TODO} https URL of the publisher`],
    [Label.changelog, o.changelog ?? `${TODO} what changed in ${o.version}`],
    [
      Label.categories,
      o.categories.length ? o.categories.join(',') : `${TODO} one or more of ${EXTENSION_CATEGORIES.join(',')}`,
    ],
  ];
  if (o.additionalUrls.length) labels.push([Label.additionalUrls, JSON.stringify(o.additionalUrls)]);
  if (o.accountInfo) labels.push([Label.accountInfo, o.accountInfo]);
  return labels;
}

/** A Dockerfile double-quoted string: backslash, quote and `$` escaped, line breaks as spaces. */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\r?\n/g, ' ').replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** One LABEL instruction, a key=value pair per line. */
export function labelInstruction(labels: Array<[string, string]>): string {
  return 'LABEL ' + labels.map(([key, value]) => `${key}=${quoteLabelValue(value)}`).join(' \\\n      ');
}
