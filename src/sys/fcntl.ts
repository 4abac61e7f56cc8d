// <fcntl.h>: open flags, fcntl commands, fd flags, seals and lock types. These numbers are
// asm-generic's, which all arches criu-ts knows (powerpc too) share for every flag named here
// (the flags that differ between them, O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE, are
// left out on purpose).
export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
/** O_TMPFILE without the O_DIRECTORY it is always given with (that one differs between arches). */
export const __O_TMPFILE = 0o20000000;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
/** FASYNC: signal-driven I/O (F_SETOWN's signal on readiness). */
export const O_ASYNC = 0o20000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;

export const FD_CLOEXEC = 1;

export const F_GETFD = 1;
export const F_DUPFD_CLOEXEC = 1030;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_SETLK = 6;
export const F_SETOWN = 8;
export const F_GETOWN = 9;
export const F_SETSIG = 10;
export const F_GETSIG = 11;
export const F_SETOWN_EX = 15;
export const F_GETOWN_EX = 16;
/** The uid and euid the owner was set with (a CONFIG_CHECKPOINT_RESTORE command). */
export const F_GETOWNER_UIDS = 17;
export const F_OFD_SETLK = 37;
export const F_SETPIPE_SZ = 1031;
export const F_GETPIPE_SZ = 1032;
export const F_ADD_SEALS = 1033;
export const F_GET_SEALS = 1034;
export const F_SEAL_SEAL = 1;
export const F_SEAL_FUTURE_WRITE = 0x10;

/** f_owner_ex.type */
export const F_OWNER_TID = 0;
export const F_OWNER_PID = 1;
export const F_OWNER_PGRP = 2;

export const F_RDLCK = 0;
export const F_WRLCK = 1;

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;

export const SPLICE_F_NONBLOCK = 2;
