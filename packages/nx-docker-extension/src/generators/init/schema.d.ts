export interface InitGeneratorSchema {
  buildTargetName?: string;
  verifyTargetName?: string;
  pushTargetName?: string;
  addPlugin?: boolean;
  skipFormat?: boolean;
}
