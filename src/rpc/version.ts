// The CRIU version criu-ts answers VERSION requests with. Clients gate features on it
// (runc: 3.0 for the VERSION call itself, 3.14 for the cgroup v2 freezer, 3.16 for LSM
// options; go-criu reads major*10000 + minor*100 + sublevel, and any gitid as a development
// build of the next minor). criu-ts claims 4.2: its images are CRIU 4.2's format (checked
// against CRIU 4.2's own images and CRIU restoring ours) and its RPC is 4.2's rpc.proto.
// No gitid, so no client takes it for a prerelease; `name` says what answers.
import type { CriuResp } from './messages.js';

export const claimedCriuVersion = { major: 4, minor: 2, sublevel: 0 } as const;

export function versionAnswer(ourVersion: string): NonNullable<CriuResp['version']> {
  return {
    major_number: claimedCriuVersion.major,
    minor_number: claimedCriuVersion.minor,
    sublevel: claimedCriuVersion.sublevel,
    name: `criu-ts ${ourVersion}`,
  };
}
