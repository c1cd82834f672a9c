export interface BuildExecutorSchema {
  dockerfile?: string;
  context?: string;
  platforms?: string[];
  tags?: string[];
  buildArgs?: Record<string, string>;
  buildContexts?: Record<string, string>;
  secrets?: Record<string, { src?: string; env?: string }>;
  target?: string;
  builder?: string;
  cacheFrom?: string[];
  cacheTo?: string[];
  provenance?: boolean | 'min' | 'max';
  sbom?: boolean;
  load?: boolean;
  pull?: boolean;
  noCache?: boolean;
  progress?: 'auto' | 'plain' | 'tty' | 'quiet' | 'rawjson';
  verbose?: boolean;
  outputPath?: string;
}
