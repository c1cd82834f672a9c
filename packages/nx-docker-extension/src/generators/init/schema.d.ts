export interface InitGeneratorSchema {
  buildTargetName?: string;
  verifyTargetName?: string;
  pushTargetName?: string;
  verifyRemoteTargetName?: string;
  addPlugin?: boolean;
  skipFormat?: boolean;
}
