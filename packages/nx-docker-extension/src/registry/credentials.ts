// Reads Docker's config file and asks credential helpers: the I/O edge of docker-config.ts.
import { readFile } from 'node:fs/promises';
import { CommandNotFoundError, runProcess } from '../process/run-process';
import {
  Credentials,
  DockerConfig,
  credentialSourceFor,
  dockerConfigPath,
  isCredentialsNotFound,
  parseCredentialHelperOutput,
} from './docker-config';

export async function readDockerConfig(env: NodeJS.ProcessEnv = process.env): Promise<DockerConfig> {
  const path = dockerConfigPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`Docker config ${path} cannot be read (${(e as Error).message}).`);
  }
  try {
    const config = JSON.parse(text);
    if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error('not an object');
    return config as DockerConfig;
  } catch {
    throw new Error(`Docker config ${path} is not valid JSON. Fix or remove it, then run 'docker login' again.`);
  }
}

/** Credentials for one registry from Docker's config, or undefined for anonymous access. */
export async function credentialsFor(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credentials | undefined> {
  const config = await readDockerConfig(env);
  const source = credentialSourceFor(config, registry);
  if (source.kind === 'none') return undefined;
  if (source.kind === 'inline') return source.credentials;
  const program = `docker-credential-${source.helper}`;
  const where = `Docker config ${dockerConfigPath(env)} (${source.configKey})`;
  let result;
  try {
    result = await runProcess(program, ['get'], { input: source.serverUrl, env, timeoutMs: 60_000 });
  } catch (e) {
    if (e instanceof CommandNotFoundError) {
      throw new Error(
        `${where} names the credential helper '${source.helper}', but ${program} is not on PATH. Install it, or remove '${source.helper}' from ${source.configKey}.`,
      );
    }
    throw e;
  }
  if (result.exitCode !== 0) {
    // the helper's own output names the problem and never holds the secret when it failed
    if (isCredentialsNotFound(result.stdout + result.stderr)) return undefined;
    const said = (result.stderr || result.stdout).trim().split('\n')[0]?.slice(0, 200) ?? '';
    throw new Error(
      `${program} get failed for ${source.serverUrl} (${result.timedOut ? 'timed out' : `exit ${result.exitCode}`}${said ? `: ${said}` : ''}). Run 'docker login ${source.serverUrl}' or fix the helper named in ${where}.`,
    );
  }
  return parseCredentialHelperOutput(result.stdout, source.helper);
}
