import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { apiUrl } from './client';
import { AccessKey } from './proton';

export const run = promisify(execFile);

/** Debian's awscli package (CLI v2) at /usr/bin/aws; `npm test` installs it when it can. */
export const AWS_CLI = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

/** `aws <args>` against the API with this access key, isolated from any local AWS config: stdout. */
export async function aws(key: AccessKey, args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run(AWS_CLI, [...args, '--endpoint-url', apiUrl()], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    timeout: 60_000,
  });
  return stdout;
}

/** `aws proton <args>` against the API with this access key: its JSON output. */
export async function awsProton(key: AccessKey, args: string[]): Promise<Record<string, unknown>> {
  const stdout = await aws(key, ['proton', ...args, '--output', 'json']);
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}
