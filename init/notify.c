/*
 * systemd's readiness protocol (sd_notify(3)): datagrams of VAR=VALUE
 * lines on $NOTIFY_SOCKET. The init listens on NOTIFY_PATH, in the control
 * channel's root-only directory: a service with a notify file is ready at
 * its READY=1 (known by the sender's pid or process group). When the init
 * was itself given a NOTIFY_SOCKET (podman --sdnotify=container, systemd),
 * a single command's messages are relayed there as they are, and in
 * services mode the init says READY=1 once every service is ready; in both,
 * STOPPING=1 when it begins to stop.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "defaults.h"
#include "log.h"
#include "notify.h"
#include "spawn.h"
#include "sys.h"

const char *spawn_notify;

static int nfd;                /* ours; 0: none */
static struct sockaddr_un out; /* the caller's */
static socklen_t out_len;      /* 0: none */
static int said_ready, said_stopping;

int
notify_open(int services_mode)
{
	struct sockaddr_un a;
	const char *o = getenv("NOTIFY_SOCKET");
	size_t n = o ? strlen(o) : 0;
	int on = 1;

	/* a path, or "@name" for an abstract socket */
	if (n > 1 && n < sizeof out.sun_path && (*o == '/' || *o == '@')) {
		unix_addr(&out, o);
		if (*o == '@')
			out.sun_path[0] = 0;
		out_len = (socklen_t)(sizeof out.sun_family + n);
	}
	if (!services_mode && !out_len)
		return 0;
	unix_addr(&a, NOTIFY_PATH);
	nfd = sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nfd > 0 && control_dir() == 0) {
		unlink(NOTIFY_PATH); /* left by an earlier run on this root */
		if (bind(nfd, (struct sockaddr *)&a, sizeof a) == 0 &&
		    setsockopt(nfd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0) {
			spawn_notify = "NOTIFY_SOCKET=" NOTIFY_PATH;
			return nfd;
		}
	}
	/* the children then get the caller's socket as it is; ours, unbound,
	 * still talks to the caller */
	say_warn("cannot listen on " NOTIFY_PATH ": %m");
	return nfd;
}

void
notify_close(void)
{
	if (spawn_notify)
		unlink(NOTIFY_PATH);
}

static void
tell_caller(const char *msg, size_t n)
{
	if (out_len && nfd > 0)
		sendto(nfd, msg, n, MSG_NOSIGNAL, (struct sockaddr *)&out, out_len);
}

void
notify_ready(struct supervisor *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!s->svc[i].ready && !s->svc[i].down)
			return;
	if (!said_ready++ && s->services_mode)
		tell_caller("READY=1", 7);
}

void
notify_stopping(void)
{
	if (!said_stopping++)
		tell_caller("STOPPING=1", 10);
}

int
notify_fd(void)
{
	return nfd;
}

void
notify_read(struct supervisor *s)
{
	char msg[4096], c[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec io = { msg, sizeof msg - 1 };
	struct msghdr h = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = c,
	                    .msg_controllen = sizeof c };
	struct cmsghdr *m = (struct cmsghdr *)c;
	struct ucred *u = (struct ucred *)CMSG_DATA(m);
	ssize_t r = syscall(SYS_recvmsg, nfd, &h, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	char *l;
	int i;

	if (r <= 0)
		return;
	if (!s->services_mode) {
		tell_caller(msg, (size_t)r);
		return;
	}
	msg[r] = 0;
	if (h.msg_controllen < sizeof c || m->cmsg_type != SCM_CREDENTIALS)
		return;
	for (l = msg; l && strncmp(l, "READY=1", 7) && (l = strchr(l, '\n'));)
		l++;
	if (!l || (l[7] && l[7] != '\n'))
		return;
	for (i = 0; i < s->n; i++)
		if (s->svc[i].pid > 0 && (u->pid == s->svc[i].pid || getpgid(u->pid) == s->svc[i].pgrp))
			svc_ready(s, &s->svc[i]);
}
