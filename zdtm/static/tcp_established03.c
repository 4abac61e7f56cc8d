/* Two processes, each holding one end of an established TCP connection (the child the client,
 * the parent the server), with unread data queued to each: after restore both ends still talk. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zdtmlib.h"

#define TO_CHILD 6000
#define TO_PARENT 4000

/* The child's exit codes. */
enum { CHILD_OK, CHILD_SYNC, CHILD_NAMES, CHILD_DATA, CHILD_REPLY };

static int child(int sk, int sync_rd, const struct sockaddr_in *server_addr)
{
	unsigned char want[TO_CHILD], buf[TO_CHILD];
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	char go;

	/* Blocked here across the dump. */
	if (read(sync_rd, &go, 1) != 1)
		return CHILD_SYNC;
	if (getpeername(sk, (struct sockaddr *)&peer, &len) || peer.sin_port != server_addr->sin_port ||
	    peer.sin_addr.s_addr != server_addr->sin_addr.s_addr)
		return CHILD_NAMES;
	datagen(want, TO_CHILD, 42);
	if (read_all(sk, buf, TO_CHILD) || memcmp(buf, want, TO_CHILD))
		return CHILD_DATA;
	if (write_all(sk, "done", 4))
		return CHILD_REPLY;
	return CHILD_OK;
}

int main(int argc, char **argv)
{
	unsigned char to_child[TO_CHILD], to_parent[TO_PARENT], buf[TO_PARENT];
	struct sockaddr_in addr, client_addr, peer;
	int lsk, client, server, sync_pipe[2], code;
	socklen_t len;
	pid_t pid;

	test_init(argc, argv);
	datagen(to_child, TO_CHILD, 42);
	datagen(to_parent, TO_PARENT, 43);
	if (pipe(sync_pipe) || loopback_connect(1, &lsk, &client, &addr) || (server = accept(lsk, NULL, NULL)) < 0) {
		fail_errno("establish connection");
		return 1;
	}
	close(lsk);
	len = sizeof(client_addr);
	if (getsockname(client, (struct sockaddr *)&client_addr, &len) || write_all(client, to_parent, TO_PARENT) ||
	    write_all(server, to_child, TO_CHILD)) {
		fail_errno("queue data");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		fail_errno("fork");
		return 1;
	}
	if (pid == 0) {
		close(server);
		close(sync_pipe[1]);
		_exit(child(client, sync_pipe[0], &addr));
	}
	close(client);
	close(sync_pipe[0]);

	test_daemon();
	test_waitsig();

	len = sizeof(peer);
	if (getpeername(server, (struct sockaddr *)&peer, &len) || peer.sin_port != client_addr.sin_port) {
		fail("the server end's peer is port %d, expected %d", ntohs(peer.sin_port), ntohs(client_addr.sin_port));
		return 1;
	}
	if (read_all(server, buf, TO_PARENT) || memcmp(buf, to_parent, TO_PARENT)) {
		fail("the data queued to the parent's end was lost or changed");
		return 1;
	}
	if (write(sync_pipe[1], "g", 1) != 1) {
		fail_errno("wake the child");
		return 1;
	}
	if (read_all(server, buf, 4) || memcmp(buf, "done", 4)) {
		fail("no reply from the child's end");
		return 1;
	}
	code = wait_exit_code(pid);
	if (code != CHILD_OK) {
		fail("the child exited with %d (1 sync, 2 peer address, 3 queued data, 4 reply)", code);
		return 1;
	}
	pass();
	return 0;
}
