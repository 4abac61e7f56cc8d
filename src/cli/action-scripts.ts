// --action-script FILE: runs each FILE at every action stage, as CRIU does, with
// CRTOOLS_SCRIPT_ACTION (the stage's name), CRTOOLS_IMAGE_DIR (the images directory; CRIU
// gives a /proc/PID/fd path to it, we give the path itself) and CRTOOLS_INIT_PID (the root
// task's PID, once known) in the environment and our stdio. A script that fails, fails the
// operation at that stage.
import { spawnSync } from 'node:child_process';
import type { ActionHook } from '../actions.js';
import type { Logger } from '../log.js';

export function actionScripts(scripts: readonly string[], imagesDir: string, log: Logger, rootPid?: number): ActionHook {
  let initPid = rootPid;
  return async (stage, info) => {
    initPid ??= info.pid;
    for (const script of scripts) {
      log.debug(`action script ${script}: ${stage}`);
      const env: NodeJS.ProcessEnv = { ...process.env, CRTOOLS_SCRIPT_ACTION: stage, CRTOOLS_IMAGE_DIR: imagesDir };
      if (initPid !== undefined) env['CRTOOLS_INIT_PID'] = String(initPid);
      const r = spawnSync(script, [], { env, stdio: 'inherit' });
      if (r.error) throw new Error(`action script ${script} (${stage}): ${r.error.message}`);
      if (r.status !== 0) throw new Error(`action script ${script} (${stage}) ${r.signal ? `was killed by ${r.signal}` : `exited with ${r.status}`}`);
    }
  };
}
