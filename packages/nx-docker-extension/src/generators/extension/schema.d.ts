export type ExtensionUi = 'react' | 'html' | 'none';
export type ExtensionBackend = 'none' | 'go';

export interface ExtensionGeneratorSchema {
  name: string;
  directory?: string;
  title?: string;
  description?: string;
  vendor?: string;
  image?: string;
  /** Release version (semver). Not `version`: nx's CLI keeps `--version` for itself. */
  extensionVersion?: string;
  apiVersion?: string;
  platforms?: string[] | string;
  ui?: ExtensionUi;
  backend?: ExtensionBackend;
  categories?: string[] | string;
  publisherUrl?: string;
  iconUrl?: string;
  screenshots?: string[] | string;
  detailedDescription?: string;
  changelog?: string;
  additionalUrls?: string[] | string;
  accountInfo?: 'required' | '';
  skipInstall?: boolean;
  skipFormat?: boolean;
}
