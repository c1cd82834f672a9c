// Versions the generated extension pins. Pinned, not ranges: a scaffold should build the same way tomorrow.
import { lte, minVersion, validRange } from 'semver';

/**
 * Default for the api.version label: 0.4.2 is the newest extension API that Docker publishes a client
 * for (@docker/extension-api-client 0.4.2), so a new extension can use all of it while every Docker
 * Desktop that speaks API 0.4.2 or later installs it.
 */
export const DEFAULT_API_VERSION = '>= 0.4.2';

/** Published @docker/extension-api-client versions; each is the client for the API version of the same number. */
export const EXTENSION_API_CLIENT_VERSIONS = ['0.2.3', '0.3.4', '0.4.2'];

/** Final stage base: Docker's familiar alpine, pinned to a release line. */
export const ALPINE_TAG = '3.22';
/** Go builder base (runs on $BUILDPLATFORM and cross-compiles). */
export const GOLANG_TAG = '1.24-alpine';
/** The `go` line of go.mod: old enough that any current toolchain builds it without downloading another. */
export const GO_MOD_VERSION = '1.22';

/** UI packages (ui=react); vite 8 and plugin-react 6 install and build on Node >= 20.19. */
export const UI_VERSIONS = {
  react: '19.3.1',
  reactDom: '19.3.1',
  typesReact: '19.3.3',
  typesReactDom: '19.3.0',
  vite: '8.4.0',
  vitePluginReact: '6.3.0',
};

/**
 * The client package for an api.version range: the newest client not newer than the oldest API the
 * range admits (a client newer than the declared API is a verify failure). Undefined when none fits.
 */
export function extensionApiClientVersion(apiVersion: string): string | undefined {
  const range = validRange(apiVersion);
  const floor = range === null ? null : minVersion(range);
  if (!floor) return undefined;
  return EXTENSION_API_CLIENT_VERSIONS.filter((v) => lte(v, floor)).pop();
}
