// Action stages: the points of a dump or restore at which CRIU runs --action-script scripts
// and sends RPC notifications (notify_scripts), with CRIU's names. The library calls the
// caller's hook at each one and waits for it; a hook that throws fails the operation there
// (except pre-resume and post-resume, which come once the tree runs: they are logged).
export const actionStages = [
  'pre-dump', 'post-dump', 'pre-restore', 'post-restore', 'network-lock', 'network-unlock',
  'setup-namespaces', 'post-setup-namespaces', 'pre-resume', 'post-resume', 'orphan-pts-master',
] as const;
export type ActionStage = (typeof actionStages)[number];

export interface ActionInfo {
  /** The root task's PID, where CRIU tells it (setup-namespaces and post-restore). */
  pid?: number;
  /** An fd handed to the caller with the stage (orphan-pts-master: the pty master). */
  fd?: number;
}

/** Called at each stage; the operation goes on once the returned promise resolves. */
export type ActionHook = (stage: ActionStage, info: ActionInfo) => Promise<void>;
