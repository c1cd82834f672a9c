// verify/: check an extension image, from dist/'s OCI layout or from a registry, against the extension rule set.
export { verifyImage } from './verify-image';
export type { VerifyOptions, VerifyReport } from './verify-image';
export { layoutSource } from './layout-source';
export { registrySource } from './registry-source';
export type { ImageSource, ImageTop } from './image-source';
export { formatVerifyReport } from './format-report';
export { RULES, RULE_IDS } from '../extension/rule-set';
export type { Profile, RuleResult, RuleStatus } from '../extension/rule-set';
