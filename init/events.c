#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "control.h"
#include "defaults.h"
#include "events.h"
#include "sig.h"

static int sigfd; /* 0: none yet, as ctl in control.c */

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
	struct pollfd p[4 + SERVICES_MAX];
	unsigned char info[128]; /* a signalfd_siginfo */
	int n = 1, i, k;

	control_poll(p, &n);
	for (i = 0; i < s->n; i++)
		if (s->svc[i].ready_fd > 0) {
			p[n].fd = s->svc[i].ready_fd;
			p[n++].events = POLLIN;
		}
	/* Signals only (a single command): one system call per signal */
	if (n == 1 || sigfd <= 0) {
		ksigset all = ~0ULL;
		if (n == 1 || (sigfd = (int)syscall(SYS_signalfd4, -1, &all, sizeof all,
		                                    O_CLOEXEC | O_NONBLOCK)) < 0)
			return sig_wait(timeout_ms);
	}
	p[0].fd = sigfd;
	p[0].events = POLLIN;
	if (poll(p, (nfds_t)n, timeout_ms < 0 ? -1 : timeout_ms > 1 << 30 ? 1 << 30 : (int)timeout_ms) <= 0)
		return 0;
	control_handle(s, p, n);
	for (k = 1; k < n; k++)
		for (i = 0; i < s->n; i++)
			if (p[k].revents && p[k].fd == s->svc[i].ready_fd)
				readiness(s, &s->svc[i]);
	if (p[0].revents && read(sigfd, info, sizeof info) == sizeof info)
		return (int)*(unsigned *)info; /* ssi_signo */
	return 0;
}
