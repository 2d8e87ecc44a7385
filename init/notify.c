/*
 * systemd's readiness protocol (sd_notify(3)): datagrams of VAR=VALUE
 * lines on $NOTIFY_SOCKET. A service with a notify file gets a socket of
 * its own, NOTIFY_DIR NAME, in the control channel's root-only directory:
 * a READY=1 there is its, whoever in the service sent it (a sender's pid
 * would be gone when systemd-notify has already exited). When the init was
 * itself given a NOTIFY_SOCKET (podman --sdnotify=container, systemd), a
 * single command gets NOTIFY_PATH and what it says there is relayed to
 * that socket as it is; in services mode the init says READY=1 once every
 * service is ready; in both, STOPPING=1 when it begins to stop.
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
#include "sys.h"

static int relay;              /* a command's socket; 0: none */
static int caller;             /* ours to the caller's; 0: none */
static struct sockaddr_un out; /* the caller's */
static socklen_t out_len;
static int said_ready, said_stopping;

int
notify_open(struct supervisor *s)
{
	const char *o = getenv("NOTIFY_SOCKET");
	size_t n = o ? strlen(o) : 0;
	int i;

	/* a path, or "@name" for an abstract socket */
	if (n > 1 && n < sizeof out.sun_path && (*o == '/' || *o == '@')) {
		unix_addr(&out, o);
		if (*o == '@')
			out.sun_path[0] = 0;
		out_len = (socklen_t)(sizeof out.sun_family + n);
		/* a command's socket talks to the caller as well: the init
		 * keeps no other descriptor then */
		if (s->services_mode)
			caller = sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK);
	}
	for (i = 0; i < s->n && s->services_mode; i++) {
		struct service *v = &s->svc[i];
		/* NOTIFY_SOCKET= and the path: what its processes get */
		strcat(strcpy(v->notify_env, "NOTIFY_SOCKET=" NOTIFY_DIR), v->name);
		if (v->notify)
			v->notify_fd = control_bind(v->notify_env + 14, SOCK_DGRAM);
		else /* not the caller's either: "NOTIFY_SOCKET" alone unsets it */
			v->notify_env[13] = 0;
	}
	/* a command the caller's socket would not reach: ours, relayed */
	/* (-u: the command could not reach it; it gets the caller's) */
	if (!s->services_mode && out_len && !s->creds &&
	    (caller = relay = control_bind(NOTIFY_PATH, SOCK_DGRAM)))
		strcpy(s->svc[0].notify_env, "NOTIFY_SOCKET=" NOTIFY_PATH);
	return relay;
}

void
notify_close(struct supervisor *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->svc[i].notify_fd > 0)
			unlink(s->svc[i].notify_env + 14);
	if (relay > 0)
		unlink(NOTIFY_PATH);
}

static void
tell_caller(const char *msg, size_t n)
{
	if (caller > 0)
		sendto(caller, msg, n, MSG_NOSIGNAL, (struct sockaddr *)&out, out_len);
}

void
notify_ready(struct supervisor *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		struct service *v = &s->svc[i];
		if (!v->ready && !v->down && !(v->ran && v->pid <= 0 && !v->restart_at &&
		                               !v->finish_pid && !v->draining && !v->waiting))
			return;
	}
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
notify_relay_fd(void)
{
	return relay;
}

void
notify_read(struct supervisor *s, struct service *v)
{
	char msg[4096], *l;
	ssize_t r = recv(v ? v->notify_fd : relay, msg, sizeof msg - 1, MSG_DONTWAIT);

	if (r <= 0)
		return;
	if (!v) {
		tell_caller(msg, (size_t)r);
		return;
	}
	msg[r] = 0;
	for (l = msg; l && strncmp(l, "READY=1", 7) && (l = strchr(l, '\n'));)
		l++;
	if (l && (!l[7] || l[7] == '\n'))
		svc_ready(s, v);
}
