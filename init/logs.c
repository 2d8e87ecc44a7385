/*
 * log-prefix: a service's stdout and stderr go through two pipes the init
 * reads, and each line comes out on the init's own stdout or stderr with
 * "[name] " in front. The init keeps both ends of both pipes for the whole
 * run: a restart writes into the same pipes, what an ended process wrote is
 * still read, and no end-of-file needs handling.
 *
 * Lines are never dropped and PID 1 never blocks on a slow reader: a pipe is
 * read only while the stream it goes to can take more; otherwise the init
 * waits for that stream, and the service, once its pipe is full, waits for
 * the init.
 */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "logs.h"
#include "spawn.h"
#include "sys.h"

/* a line's part before the split; the pages are touched only by services
 * that prefix */
static char line[SERVICES_MAX][2][LOG_LINE_MAX];
static unsigned short used[SERVICES_MAX][2];
static int dead[2]; /* stdout, stderr: nobody reads them (logs_writable) */
static int any;     /* a service has its pipes */

void
logs_open(struct service *v, struct spawn *sp)
{
	int k, (*fd)[2] = v->log_fd;

	for (k = 0; k < 2 && v->log_prefix; k++) {
		if (!fd[k][0]) {
			if (sys_pipe2(fd[k], O_CLOEXEC) < 0)
				return; /* runs unprefixed */
			any = 1;
			fd[k][0] = fd_own(fd[k][0]);
			fd[k][1] = fd_own(fd[k][1]);
			/* ours only: the service's end blocks as any pipe */
			syscall(SYS_fcntl, fd[k][0], F_SETFL, O_NONBLOCK);
		}
		sp->fd_from[1 + k] = fd[k][1];
		sp->fd_to[1 + k] = 1 + k;
	}
}

/* Writes the complete lines of the buffer, and the rest when it is full or
 * final; keeps a partial line for later. */
static void
emit(struct service *v, int k, char *b, unsigned short *len, int final)
{
	struct iovec io[5] = {
		{ "[", 1 }, { v->name, strlen(v->name) }, { "] ", 2 }, { 0, 0 }, { "\n", 1 },
	};
	char *nl;
	size_t n;

	while (*len) {
		nl = memchr(b, '\n', *len);
		n = nl ? (size_t)(nl - b) + 1 : *len;
		if (!nl && *len < LOG_LINE_MAX && !final)
			break;
		io[3].iov_base = b;
		io[3].iov_len = n;
		if (!dead[k])
			writev(1 + k, io, nl ? 4 : 5);
		*len = (unsigned short)(*len - n);
		memmove(b, b + n, *len);
	}
}

void
logs_read(struct supervisor *s, int i, int k, int all)
{
	struct service *v = &s->svc[i];
	char *b = line[i][k];
	unsigned short *len = &used[i][k];
	ssize_t r;

	do {
		r = read(v->log_fd[k][0], b + *len, LOG_LINE_MAX - *len);
		if (r > 0)
			*len = (unsigned short)(*len + r);
		emit(v, k, b, len, all && r <= 0);
	} while (all && r > 0);
}

int
logs_writable(int ok[2])
{
	struct pollfd o[2] = { { 1, POLLOUT, 0 }, { 2, POLLOUT, 0 } };
	int k;

	if (!any)
		return 0;
	poll(o, 2, 0);
	for (k = 0; k < 2; k++) {
		dead[k] = !!(o[k].revents & (POLLERR | POLLHUP | POLLNVAL));
		ok[k] = dead[k] || (o[k].revents & POLLOUT);
	}
	return 1;
}

void
logs_flush(struct supervisor *s)
{
	int i, k;

	for (i = 0; i < s->n; i++)
		for (k = 0; k < 2; k++)
			if (s->svc[i].log_fd[k][0])
				logs_read(s, i, k, 1);
}
