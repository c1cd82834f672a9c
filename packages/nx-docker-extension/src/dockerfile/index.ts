/**
 * Dockerfile parser and editor (pure: text in, data or text out). Line numbers are 1-based and inclusive.
 *
 *   parseDockerfile(text: string): Dockerfile            // never throws; BuildKit-fatal issues in df.problems
 *   finalStage(df: Dockerfile, target?: string): Stage   // throws DockerfileError when it cannot tell
 *   findStage(df, nameOrIndex: string | number): Stage | undefined
 *   parentStage(df, stage): Stage | undefined            // FROM <earlier stage>
 *   flagValue(instruction, name): string | undefined     // '' for a bare flag (--link)
 *   hasFlag(instruction, name): boolean
 *   copySpec(instruction): CopySpec | undefined          // COPY/ADD: sources, destination, from, chmod, chown, link
 *   keyValues(instruction, escape?): KeyValue[]          // LABEL / ENV pairs, unquoted
 *   stageLabels(df, stage): Record<string, string>       // labels incl. those inherited from a parent stage
 *   argDeclarations(instructions, escape?): ArgDeclaration[]
 *   stageDeclaresArg(stage, name): boolean
 *   stageHasRun(stage): boolean
 *   stageOnBuildPlatform(stage): boolean                 // FROM --platform=$BUILDPLATFORM
 *   stageInstructions(stage, keyword): Instruction[]
 *   expandVariables(text, values): string                // $X ${X} ${X:-d} ${X:+a}
 *   globalArgValues(df, buildArgs?): Record<string, string>
 *   insertLines(df, before: number, text: string): string
 *   insertStageBeforeFinal(df, stageText: string, target?: string): string
 *   insertIntoFinalStage(df, text: string, position?: 'end' | 'after-last-copy', target?: string): string
 *   continued(parts: string[], escape?, indent?): string // one instruction over several lines
 *
 * Types: Dockerfile { text, lines, eol, escape, directives, globalArgs, instructions, stages, problems },
 * Stage { index, name?, baseImage, platform?, from, instructions, startLine, endLine },
 * Instruction { keyword, args, raw, flags, form, json?, heredocs, startLine, endLine }, DockerfileError.
 */
export * from './types';
export { parseDockerfile } from './parse';
export * from './query';
export * from './edit';
