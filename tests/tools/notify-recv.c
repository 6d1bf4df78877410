/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notify-recv: stand in for systemd's notification socket in the tests.
 * Binds a datagram socket at PATH and prints every message it receives,
 * one a line (newlines inside a message become ';'), until SECONDS pass
 * without one or a message holds STOPPING=1.
 *
 * usage: notify-recv PATH SECONDS
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	int fd, seconds;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: notify-recv PATH SECONDS\n");
		return 2;
	}
	seconds = atoi(argv[2]);
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("notify-recv");
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, seconds * 1000) <= 0)
			break;
		if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) < 0)
			break;
		buf[n] = '\0';
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ';';
		printf("%s\n", buf);
		fflush(stdout);
		if (strstr(buf, "STOPPING=1"))
			break;
	}
	unlink(argv[1]);
	return 0;
}
