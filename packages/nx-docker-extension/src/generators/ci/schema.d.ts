export interface CiGeneratorSchema {
  name?: string;
  mainBranch?: string;
  registry?: string;
  usernameSecret?: string;
  passwordSecret?: string;
  nodeVersion?: string;
  skipFormat?: boolean;
}
