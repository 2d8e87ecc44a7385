#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "control.h"
#include "defaults.h"
#include "events.h"
#include "logs.h"
#include "notify.h"
#include "sig.h"

static int sigfd; /* 0: none yet, as ctl in control.c */

/* What a descriptor of the poll set is for; with a service's index in the
 * low byte of its tag. */
enum { W_CONTROL = 1, W_RELAY, W_NOTIFY, W_READY, W_STDOUT, W_STDERR, W_STREAM };

struct watch {
	struct pollfd p[5 + 4 * SERVICES_MAX];
	unsigned short tag[5 + 4 * SERVICES_MAX];
	int n;
};

static void
watch(struct watch *w, int fd, short events, int tag)
{
	if (fd > 0) { /* 0 or -1: none */
		w->p[w->n].fd = fd;
		w->p[w->n].events = events;
		w->tag[w->n++] = (unsigned short)tag;
	}
}

/* A service's notification-fd: ready at its first newline (s6). */
static void
readiness(struct supervisor *s, struct service *v)
{
	char buf[512];
	ssize_t n = read(v->ready_fd, buf, sizeof buf);
	int i;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	for (i = 0; i < n; i++)
		if (buf[i] == '\n')
			break;
	/* no newline yet; a service that writes one full buffer without
	 * any is not to be read forever: it is not ready */
	if (n > 0 && i == n && n < (ssize_t)sizeof buf)
		return;
	if (i == n)
		n = 0;
	close(v->ready_fd);
	v->ready_fd = 0;
	if (n > 0)
		svc_ready(s, v);
}

int
events_wait(struct supervisor *s, long long timeout_ms)
{
	struct watch w = { .n = 1 };
	unsigned char info[128]; /* a signalfd_siginfo */
	int ok[2], out[2], logs, i, k;

	watch(&w, control_fd(), POLLIN, W_CONTROL << 8);
	watch(&w, notify_relay_fd(), POLLIN, W_RELAY << 8);
	/* a stream that cannot take more (a slow reader): wait for it, and
	 * leave its pipes unread */
	if ((logs = logs_writable(s, ok, out)))
		for (k = 0; k < 2; k++)
			if (!ok[k])
				watch(&w, out[k], POLLOUT, W_STREAM << 8);
	for (i = 0; i < s->n; i++) {
		watch(&w, s->svc[i].ready_fd, POLLIN, W_READY << 8 | i);
		watch(&w, s->svc[i].notify_fd, POLLIN, W_NOTIFY << 8 | i);
		for (k = 0; k < 2 && logs; k++)
			if (ok[k])
				watch(&w, s->svc[i].log_fd[k][0], POLLIN, (W_STDOUT + k) << 8 | i);
	}
	/* Signals only (a single command): one system call per signal */
	if (w.n == 1 || sigfd <= 0) {
		ksigset all = ~0ULL;
		if (w.n == 1 || (sigfd = (int)syscall(SYS_signalfd4, -1, &all, sizeof all,
		                                      O_CLOEXEC | O_NONBLOCK)) < 0)
			return sig_wait(timeout_ms);
	}
	w.p[0].fd = sigfd;
	w.p[0].events = POLLIN;
	k = poll(w.p, (nfds_t)w.n, timeout_ms < 0 ? -1 : timeout_ms > 1 << 30 ? 1 << 30 : (int)timeout_ms);
	/* a descriptor limit lowered under us (prlimit): signals still count,
	 * and no busy loop */
	if (k < 0 && errno != EINTR)
		return sig_wait(timeout_ms < 0 || timeout_ms > 100 ? 100 : timeout_ms);
	if (k <= 0)
		return 0;
	for (k = 1; k < w.n; k++) {
		struct service *v = &s->svc[i = w.tag[k] & 255];
		int what = w.tag[k] >> 8, fd = w.p[k].fd;
		/* what an earlier one did may have closed fd, or reused it */
		if (!w.p[k].revents)
			continue;
		if (what == W_CONTROL)
			control_accept(s);
		else if (what == W_RELAY)
			notify_read(s, NULL);
		else if (what == W_NOTIFY)
			notify_read(s, v); /* open until the end */
		else if (what == W_READY) {
			if (fd == v->ready_fd)
				readiness(s, v);
		} else if (what != W_STREAM && fd == v->log_fd[what - W_STDOUT][0])
			logs_read(s, i, what - W_STDOUT, 0);
	}
	if (w.p[0].revents && read(sigfd, info, sizeof info) == sizeof info)
		return (int)*(unsigned *)info; /* ssi_signo */
	return 0;
}
