// The verify rule set: every rule's id, what it checks, how severe it is per profile, and running them all.
import { checkApiVersion, checkCategories, checkLabelFormat, checkRequiredLabels, checkTags } from './label-checks';
import {
  CheckResult,
  checkComposeFile,
  checkIcon,
  checkMetadataPresent,
  checkMetadataSchema,
  checkUiEntry,
  checkUiNodeModules,
  checkUiSymlinks,
  checkVmBackend,
  PlatformContext,
  platformContext,
} from './file-checks';
import { Finding } from './finding';
import {
  checkHostBinaryArch,
  checkHostBinaryExecutable,
  checkHostBinaryPresent,
  checkHostBinaryWindowsName,
} from './host-binary-checks';
import { ImageUnderTest } from './image-view';
import { checkLinuxOnly, checkRequiredPlatforms, DEFAULT_PLATFORMS } from './platform-checks';

export type Profile = 'default' | 'marketplace';
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'off' | 'n/a';

interface RuleBase {
  id: string;
  /** One line: what the rule checks. */
  checks: string;
  /** The worst a finding of this rule can be in each profile. */
  severity: Record<Profile, 'fail' | 'warn'>;
}
interface ImageRule extends RuleBase {
  scope: 'image';
  run(image: ImageUnderTest, options: { platforms: string[] }): CheckResult;
}
interface PlatformRule extends RuleBase {
  scope: 'platform';
  run(ctx: PlatformContext): CheckResult;
}
export type Rule = ImageRule | PlatformRule;

const FAIL = { default: 'fail', marketplace: 'fail' } as const;
const MARKETPLACE = { default: 'warn', marketplace: 'fail' } as const;

export const RULES: Rule[] = [
  {
    id: 'platforms-required',
    scope: 'image',
    severity: FAIL,
    checks: 'the index has a variant for every required platform (linux/amd64 and linux/arm64 by default)',
    run: (image, o) => checkRequiredPlatforms(image, o.platforms),
  },
  {
    id: 'platforms-linux',
    scope: 'image',
    severity: FAIL,
    checks: 'every variant in the index is a linux image (attestations aside)',
    run: (image) => checkLinuxOnly(image),
  },
  {
    id: 'metadata-present',
    scope: 'platform',
    severity: FAIL,
    checks: '/metadata.json is in the image, a regular file of at most 1 MiB, valid JSON',
    run: checkMetadataPresent,
  },
  {
    id: 'metadata-schema',
    scope: 'platform',
    severity: FAIL,
    checks:
      'metadata.json follows the extension schema: only icon/ui/vm/host at the root, at least one of ui/vm/host, every field of the right type',
    run: checkMetadataSchema,
  },
  {
    id: 'icon-present',
    scope: 'platform',
    severity: FAIL,
    checks:
      'metadata.json names an icon and that file is in the image, non-empty (warns when it is not an svg/png/jpeg/gif/ico/webp)',
    run: checkIcon,
  },
  {
    id: 'ui-entry-present',
    scope: 'platform',
    severity: FAIL,
    checks: 'the dashboard tab entry <ui.root>/<ui.src> is a file in the image',
    run: checkUiEntry,
  },
  {
    id: 'ui-no-node-modules',
    scope: 'platform',
    severity: FAIL,
    checks: 'no node_modules folder under the UI root',
    run: checkUiNodeModules,
  },
  {
    id: 'ui-no-symlinks',
    scope: 'platform',
    severity: FAIL,
    checks: 'no symlinks under the UI root (they break the install on Windows)',
    run: checkUiSymlinks,
  },
  {
    id: 'vm-backend',
    scope: 'platform',
    severity: FAIL,
    checks: 'vm has exactly one of image and composefile (warns when image is not ${DESKTOP_PLUGIN_IMAGE})',
    run: checkVmBackend,
  },
  {
    id: 'compose-file',
    scope: 'platform',
    severity: FAIL,
    checks:
      'the compose file vm.composefile names is in the image, is YAML with services, and one service keeps image: ${DESKTOP_PLUGIN_IMAGE} (warns for other images)',
    run: checkComposeFile,
  },
  {
    id: 'host-binary-present',
    scope: 'platform',
    severity: FAIL,
    checks: 'every host binary metadata.json names is a file in every variant',
    run: checkHostBinaryPresent,
  },
  {
    id: 'host-binary-executable',
    scope: 'platform',
    severity: FAIL,
    checks: 'darwin and linux host binaries have an executable mode',
    run: checkHostBinaryExecutable,
  },
  {
    id: 'host-binary-arch',
    scope: 'platform',
    severity: FAIL,
    checks:
      "host binaries are built for the variant's CPU: ELF machine (linux), Mach-O CPU type with universal matching both (darwin), PE machine (windows; i386 or emulated x64 warn); #! scripts and .cmd files are neutral",
    run: checkHostBinaryArch,
  },
  {
    id: 'host-binary-windows-name',
    scope: 'platform',
    severity: FAIL,
    checks: 'windows host binaries end in .exe or .cmd',
    run: checkHostBinaryWindowsName,
  },
  {
    id: 'label-required',
    scope: 'platform',
    severity: MARKETPLACE,
    checks: 'the labels the Marketplace requires are present and non-empty',
    run: checkRequiredLabels,
  },
  {
    id: 'label-format',
    scope: 'platform',
    severity: MARKETPLACE,
    checks:
      'JSON labels (screenshots, additional-urls) parse with their keys, URL labels are http(s) URLs, account-info is required or empty',
    run: checkLabelFormat,
  },
  {
    id: 'label-categories',
    scope: 'platform',
    severity: MARKETPLACE,
    checks: 'every category is one of the Marketplace list',
    run: checkCategories,
  },
  {
    id: 'label-api-version',
    scope: 'platform',
    severity: FAIL,
    checks: 'com.docker.desktop.extension.api.version parses as a semver version or range',
    run: checkApiVersion,
  },
  {
    id: 'tag-semver',
    scope: 'image',
    severity: MARKETPLACE,
    checks: "every tag is semver, not 'latest' (a reference without a tag means latest)",
    run: (image) => checkTags(image),
  },
];

export const RULE_IDS = RULES.map((r) => r.id);

export interface RuleOptions {
  profile: Profile;
  /** Platforms the index must hold; default linux/amd64 and linux/arm64. */
  platforms?: string[];
  /** Rule id → why the project switches it off. */
  disabledRules?: Record<string, string>;
}

export interface RuleResult {
  rule: string;
  /** The platform, or `image` for index-wide rules. */
  where: string;
  status: RuleStatus;
  findings: Finding[];
  /** Why the rule is off (the project's reason) or does not apply. */
  note?: string;
}

/** Throws for unknown rule ids or missing reasons, naming the valid ids. */
export function checkDisabledRules(disabled: Record<string, string> | undefined): void {
  for (const [id, reason] of Object.entries(disabled ?? {})) {
    if (!RULE_IDS.includes(id)) {
      throw new Error(`disabledRules: '${id}' is not a verify rule. Rules: ${RULE_IDS.join(', ')}.`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(
        `disabledRules: '${id}' has no reason. Give one, e.g. { "${id}": "why this project may skip it" }.`,
      );
    }
  }
}

export function runRules(image: ImageUnderTest, options: RuleOptions): RuleResult[] {
  checkDisabledRules(options.disabledRules);
  const disabled = options.disabledRules ?? {};
  const platforms = options.platforms?.length ? options.platforms : DEFAULT_PLATFORMS;
  const contexts = image.platforms.map(platformContext);
  const results: RuleResult[] = [];
  for (const rule of RULES) {
    const wheres = rule.scope === 'image' ? ['image'] : contexts.map((c) => c.p.platform);
    if (rule.id in disabled) {
      for (const where of wheres)
        results.push({ rule: rule.id, where, status: 'off', findings: [], note: disabled[rule.id] });
      continue;
    }
    const outcomes: [string, CheckResult][] =
      rule.scope === 'image'
        ? [['image', rule.run(image, { platforms })]]
        : contexts.map((c) => [c.p.platform, rule.run(c)]);
    for (const [where, outcome] of outcomes) results.push(toResult(rule, where, outcome, options.profile));
  }
  return results;
}

function toResult(rule: Rule, where: string, outcome: CheckResult, profile: Profile): RuleResult {
  if (!Array.isArray(outcome))
    return { rule: rule.id, where, status: 'n/a', findings: [], note: outcome.notApplicable };
  const cap = rule.severity[profile];
  const findings = outcome.map((f) => (f.level === 'fail' && cap === 'warn' ? { ...f, level: 'warn' as const } : f));
  const status = findings.some((f) => f.level === 'fail') ? 'fail' : findings.length ? 'warn' : 'pass';
  return { rule: rule.id, where, status, findings };
}
