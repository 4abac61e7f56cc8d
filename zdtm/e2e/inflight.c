/*
 * A server that has not accepted its client yet: a loopback listener with one connection
 * waiting in its accept queue (never accepted), and the client end of it. Counts up, one
 * line every 10 ms.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "daemon.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int lsk, client;

	(void)argc;
	daemonize(argv);
	lsk = socket(AF_INET, SOCK_STREAM, 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (lsk < 0 || client < 0 || bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) || listen(lsk, 4) ||
	    getsockname(lsk, (struct sockaddr *)&addr, &len) || connect(client, (struct sockaddr *)&addr, sizeof(addr)))
		printf("BAD setup\n");
	ready(argv);
	for (unsigned long i = 0;; i++) {
		printf("%lu\n", i);
		usleep(10000);
	}
}
