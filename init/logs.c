/*
 * log-prefix: a service's stdout and stderr go through two pipes the init
 * reads, and each line comes out on the init's own stdout or stderr with
 * "[name] " in front. The init keeps both ends of both pipes for the whole
 * run: a restart writes into the same pipes, what an ended process wrote is
 * still read, and no end-of-file needs handling.
 *
 * Lines are never dropped and PID 1 never blocks on a slow reader (a pipe
 * nobody empties, a terminal stopped with ^S): the init writes through a
 * non-blocking descriptor of its own (its stdout is shared: a flag there
 * would reach the services), keeps what did not fit, and reads no more of
 * that stream's pipes until it is written; the services wait on their full
 * pipes meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logs.h"
#include "sig.h"
#include "spawn.h"
#include "sys.h"

/* a line's part before the split; the pages are touched only by services
 * that prefix */
static char line[SERVICES_MAX][2][LOG_LINE_MAX];
static unsigned short used[SERVICES_MAX][2];
static unsigned char split[SERVICES_MAX][2]; /* the last part was cut */

/* stdout (0) and stderr (1) as the init writes them */
static struct stream {
	int fd;          /* 0: not opened yet */
	int sock;        /* a socket: send(2) without waiting */
	int dead;        /* nobody reads it: lines are dropped */
	unsigned short len, off; /* a line being written */
	char buf[sizeof ((struct service *)0)->name + 3 + LOG_LINE_MAX + 1];
} out[2];

/* A descriptor of 1 + k that does not block: a new open of the pipe or
 * terminal, or a socket's own; a file (which never waits), or when /proc
 * is not there, 1 + k itself. */
static void
stream_open(int k)
{
	struct stat st;
	char path[] = "/proc/self/fd/1";
	int fd;

	out[k].fd = 1 + k;
	if (sys_fstat(1 + k, &st) < 0)
		return;
	out[k].sock = S_ISSOCK(st.st_mode);
	path[14] = (char)('1' + k);
	if ((S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) &&
	    (fd = sys_open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) >= 0)
		out[k].fd = fd_own(fd);
}

/* Writes what is pending; 1 when all of it is gone. */
static int
stream_flush(int k)
{
	struct stream *o = &out[k];
	ssize_t r;

	while (o->off < o->len) {
		r = o->sock ? send(o->fd, o->buf + o->off, o->len - o->off, MSG_DONTWAIT | MSG_NOSIGNAL) :
		              write(o->fd, o->buf + o->off, o->len - o->off);
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r < 0) {
			sig_drop_pipe(); /* the reader is gone */
			o->dead = 1;
			break;
		}
		o->off = (unsigned short)(o->off + r);
	}
	o->len = o->off = 0;
	return 1;
}

void
logs_open(struct service *v, struct spawn *sp)
{
	int k, (*fd)[2] = v->log_fd;

	for (k = 0; k < 2 && v->log_prefix; k++) {
		if (!out[k].fd)
			stream_open(k);
		if (!fd[k][0]) {
			if (sys_pipe2(fd[k], O_CLOEXEC) < 0)
				return; /* runs unprefixed */
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
 * final, while the stream takes them; keeps the others for later. */
static void
emit(struct service *v, int k, int i, int final)
{
	char *b = line[i][k], *nl;
	unsigned short *len = &used[i][k];
	struct stream *o = &out[k];
	size_t n;

	while (*len && !o->len) {
		nl = memchr(b, '\n', *len);
		n = nl ? (size_t)(nl - b) + 1 : *len;
		if (!nl && *len < LOG_LINE_MAX && !final)
			break;
		/* a newline right after a split ends that line: no empty one */
		if (!(split[i][k] && nl == b)) {
			char *e = stpcpy(o->buf + 1, v->name);
			o->buf[0] = '[';
			*e++ = ']';
			*e++ = ' ';
			memcpy(e, b, n);
			e[n] = '\n'; /* a part without its newline gets one */
			o->len = (unsigned short)(e - o->buf + n + !nl);
			if (o->dead)
				o->len = 0;
			stream_flush(k);
		}
		split[i][k] = !nl;
		*len = (unsigned short)(*len - n);
		memmove(b, b + n, *len);
	}
}

void
logs_read(struct supervisor *s, int i, int k, int all)
{
	ssize_t r;
	int n = 16; /* a pipe's worth: a writer that never stops cannot hold PID 1 */

	do {
		r = read(s->svc[i].log_fd[k][0], line[i][k] + used[i][k],
		         LOG_LINE_MAX - used[i][k]);
		if (r > 0)
			used[i][k] = (unsigned short)(used[i][k] + r);
		emit(&s->svc[i], k, i, all && r <= 0);
	} while (all && r > 0 && !out[k].len && --n);
}

void
logs_drain(struct supervisor *s, int i)
{
	int k;

	for (k = 0; k < 2; k++)
		if (s->svc[i].log_fd[k][0])
			logs_read(s, i, k, 1);
}

int
logs_writable(struct supervisor *s, int ok[2], int fd[2])
{
	int i, k;

	for (k = 0; k < 2; k++) {
		/* what waited behind a line that did not fit goes now */
		if (out[k].len && stream_flush(k))
			for (i = 0; i < s->n; i++)
				emit(&s->svc[i], k, i, 0);
		ok[k] = !out[k].len;
		fd[k] = out[k].fd;
	}
	return out[0].fd | out[1].fd;
}

void
logs_flush(struct supervisor *s)
{
	int ok[2], fd[2], i, t;

	/* a slow reader is waited for a while, not for ever */
	for (t = LOG_FLUSH_MS / 10; t > 0; t--) {
		logs_writable(s, ok, fd);
		for (i = 0; i < s->n; i++)
			logs_drain(s, i);
		if (!out[0].len && !out[1].len)
			return;
		poll(NULL, 0, 10);
	}
}
