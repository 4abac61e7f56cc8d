// <netinet/tcp.h> and the kernel's TCP repair interface: socket options at IPPROTO_TCP,
// connection states (as tcp_info and unix_diag report them), tcp_info option bits and
// the TCP option kinds TCP_REPAIR_OPTIONS takes.
export const TCP_NODELAY = 1;
export const TCP_MAXSEG = 2;
export const TCP_CORK = 3;
export const TCP_KEEPIDLE = 4;
export const TCP_KEEPINTVL = 5;
export const TCP_KEEPCNT = 6;
export const TCP_SYNCNT = 7;
export const TCP_INFO = 11;
export const TCP_USER_TIMEOUT = 18;
export const TCP_REPAIR = 19;
export const TCP_REPAIR_QUEUE = 20;
export const TCP_QUEUE_SEQ = 21;
export const TCP_REPAIR_OPTIONS = 22;
export const TCP_TIMESTAMP = 24;
export const TCP_REPAIR_WINDOW = 29;

/** TCP_REPAIR values: leaving repair mode without the window probe that a plain 0 sends. */
export const TCP_REPAIR_OFF_NO_WP = -1;
/** TCP_REPAIR_QUEUE values. */
export const TCP_RECV_QUEUE = 1;
export const TCP_SEND_QUEUE = 2;

export const TCP_ESTABLISHED = 1;
export const TCP_CLOSE = 7;
export const TCP_LISTEN = 10;

export const TCPI_OPT_TIMESTAMPS = 1;
export const TCPI_OPT_SACK = 2;
export const TCPI_OPT_WSCALE = 4;

export const TCPOPT_MSS = 2;
export const TCPOPT_WINDOW = 3;
export const TCPOPT_SACK_PERM = 4;
export const TCPOPT_TIMESTAMP = 8;
