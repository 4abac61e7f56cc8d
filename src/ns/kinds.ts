// The namespace kinds, in CRIU's order (the order ids are given in): the name /proc/PID/ns
// uses, the task_kobj_ids_entry field of its id, and its CLONE_NEW* flag.
import { CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER, CLONE_NEWUTS } from '../sys/sched.js';

export const namespaceKinds = [
  { kind: 'pid', field: 'pid_ns_id', flag: CLONE_NEWPID },
  { kind: 'net', field: 'net_ns_id', flag: CLONE_NEWNET },
  { kind: 'ipc', field: 'ipc_ns_id', flag: CLONE_NEWIPC },
  { kind: 'uts', field: 'uts_ns_id', flag: CLONE_NEWUTS },
  { kind: 'time', field: 'time_ns_id', flag: CLONE_NEWTIME },
  { kind: 'mnt', field: 'mnt_ns_id', flag: CLONE_NEWNS },
  { kind: 'user', field: 'user_ns_id', flag: CLONE_NEWUSER },
  { kind: 'cgroup', field: 'cgroup_ns_id', flag: CLONE_NEWCGROUP },
] as const;

export type NamespaceKind = (typeof namespaceKinds)[number];
