/*
 * sdnotify: both ends of sd_notify(3) for the readiness tests.
 *   sdnotify send TEXT        sends TEXT ("\n" as a newline) as one
 *       datagram to $NOTIFY_SOCKET (a path, or "@name" for an abstract
 *       socket); exit 0 once sent, 1 otherwise
 *   sdnotify recv PATH COUNT  binds a datagram socket at PATH, writes
 *       "ready" on stdout once it listens, then each datagram that comes
 *       on one line (newlines as "|"), until COUNT came or 10 s passed
 *       without one; exit 0 when COUNT came
 */
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t
addr(struct sockaddr_un *a, const char *path)
{
	size_t n = strlen(path);

	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (n >= sizeof a->sun_path)
		return 0;
	memcpy(a->sun_path, path, n);
	if (path[0] == '@')
		a->sun_path[0] = 0;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

static int
send_text(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	char msg[4096];
	struct sockaddr_un a;
	socklen_t len;
	size_t n = 0;
	int fd;

	if (!path || !(len = addr(&a, path))) {
		fprintf(stderr, "sdnotify: no usable NOTIFY_SOCKET\n");
		return 1;
	}
	for (; *text && n < sizeof msg; text++) {
		if (text[0] == '\\' && text[1] == 'n') {
			msg[n++] = '\n';
			text++;
		} else {
			msg[n++] = *text;
		}
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, msg, n, 0, (struct sockaddr *)&a, len) < 0) {
		perror("sdnotify: send");
		return 1;
	}
	return 0;
}

static int
recv_texts(const char *path, int count)
{
	struct sockaddr_un a;
	socklen_t len = addr(&a, path);
	char msg[4097];
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), got = 0;

	unlink(path);
	if (fd < 0 || !len || bind(fd, (struct sockaddr *)&a, len) < 0) {
		perror("sdnotify: bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (got < count) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n, i;
		if (poll(&p, 1, 10000) <= 0)
			break;
		if ((n = recv(fd, msg, sizeof msg - 1, 0)) < 0)
			break;
		for (i = 0; i < n; i++)
			if (msg[i] == '\n')
				msg[i] = '|';
		msg[n] = 0;
		printf("%s\n", msg);
		fflush(stdout);
		got++;
	}
	unlink(path);
	return got == count ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "send") == 0)
		return send_text(argv[2]);
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return recv_texts(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: sdnotify send TEXT | sdnotify recv PATH COUNT\n");
	return 2;
}
