#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "defaults.h"
#include "log.h"
#include "num.h"
#include "sig.h"
#include "sys.h"

/* 0 when there is none: stdin is never ours (and zero-initialised data
 * costs no bytes of the file) */
static int ctl;

void
unix_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
}

/* CONTROL_DIR, root's alone: made, or taken only when it is root's and a
 * directory (never through a link the image planted). */
int
control_dir(void)
{
	struct stat st;

	mkdir("/run", 0755);
	mkdir(CONTROL_DIR, 0700);
	if (syscall(SYS_newfstatat, -100, CONTROL_DIR, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode) || st.st_uid != 0 || chmod(CONTROL_DIR, 0700) < 0)
		return -1;
	return 0;
}

int
control_bind(const char *path, int type)
{
	struct sockaddr_un a;
	int fd = sys_socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK);

	unix_addr(&a, path);
	if (fd > 0 && control_dir() == 0) {
		unlink(path); /* left by an earlier run on this root */
		if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
			return fd;
	}
	say_warn("cannot listen on %s: %m", path);
	if (fd > 0)
		close(fd);
	return 0;
}

void
control_open(void)
{
	if ((ctl = control_bind(CONTROL_SOCKET, SOCK_SEQPACKET)) && listen(ctl, 8) < 0) {
		close(ctl);
		ctl = 0;
	}
}

void
control_close(void)
{
	if (ctl > 0)
		unlink(CONTROL_SOCKET);
}

int
control_fd(void)
{
	return ctl;
}

static char *
add(char *out, const char *s)
{
	return stpcpy(out, s);
}

/* One line per service: name, state, pid, ready, restarts, last exit. */
static char *
list(struct supervisor *s, char *o)
{
	char num[NUM_BUFSZ], sig[16];
	int i;

	for (i = 0; i < s->n; i++) {
		struct service *v = &s->svc[i];
		o = add(o, v->name);
		o = add(o, v->kill_at || v->draining ? " stopping " : v->pid > 0 ? " up " :
		        v->finish_pid > 0 ? " finishing " : v->restart_at ? " restarting " :
		        v->waiting ? " waiting " : " down ");
		o = add(o, v->pid > 0 ? fmt_ulong(num, (unsigned long)v->pid) : "-");
		o = add(o, v->ready ? " yes " : " no ");
		o = add(o, fmt_ulong(num, v->restarts));
		o = add(o, !v->ran ? " -" : WIFSIGNALED(v->status) ? " signal:" : " exit:");
		if (v->ran)
			o = add(o, WIFSIGNALED(v->status) ? sig_name(WTERMSIG(v->status), sig) :
			        fmt_ulong(num, (unsigned long)WEXITSTATUS(v->status)));
		o = add(o, "\n");
	}
	return o;
}

/*
 * A request: one packet "OP[SIGNAL] [NAME]", OP one of u d r k s l; the
 * answer one packet, its first byte svc's exit status, the rest what it
 * prints. Only root may ask: the directory says so, and the peer's
 * credentials again. A client that does not send within a second is
 * dropped: PID 1 is not held up.
 */
static void
request(struct supervisor *s, int c)
{
	char req[128], out[SERVICES_MAX_REPLY] = "0", *o = out + 1, *name;
	struct ucred cred;
	socklen_t cl = sizeof cred;
	struct timeval tv = { 1, 0 };
	struct service *v;
	ssize_t r;

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || cred.uid != 0 ||
	    (r = recv(c, req, sizeof req - 1, 0)) <= 0)
		return;
	req[r] = 0;
	name = strchrnul(req, ' ');
	if (*name)
		*name++ = 0;
	if (req[0] == 'l') {
		o = list(s, o);
	} else if (!(v = service_find(s, name))) {
		out[0] = '1';
		o = add(add(o, "no such service: "), name);
	} else if (req[0] == 'u') {
		svc_up(s, v);
	} else if (req[0] == 'd' || req[0] == 'r') {
		svc_stop(s, v, v->down_signal, req[0] == 'r');
	} else if (v->pid > 0) { /* k, s */
		kill(v->pid, req[0] == 'k' ? SIGKILL : sig_parse(req + 1));
	}
	send(c, out, (size_t)(o - out), MSG_NOSIGNAL);
}

void
control_accept(struct supervisor *s)
{
	int c = sys_accept4(ctl, SOCK_CLOEXEC);

	if (c >= 0) {
		request(s, c);
		close(c);
	}
}
