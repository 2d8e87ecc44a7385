#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "pasta.h"

#define PASTA_READY_MS 10000 /* it takes about 0.1 s */
#define MAX_ARGS (24 + 4 * MAX_PUBLISH)

/* -t or -u's SPEC for one -p: [ADDR/]HOST[-END]:CTR[-END] */
static void
port_spec(const struct publish *p, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s%u", p->ip, p->ip[0] ? "/" : "", p->host);

	if (p->count > 1)
		n += snprintf(buf + n, size - (size_t)n, "-%u", p->host + p->count - 1);
	n += snprintf(buf + n, size - (size_t)n, ":%u", p->ctr);
	if (p->count > 1)
		snprintf(buf + n, size - (size_t)n, "-%u", p->ctr + p->count - 1);
}

/* Its command line; the descriptors are the child's. */
static void
build_args(const struct config *c, int ready, int netns, int userns, char **argv)
{
	static char fds[3][32], specs[MAX_PUBLISH][96];
	int n = 0, i, tcp = 0, udp = 0;

	argv[n++] = "pasta";
	argv[n++] = "--foreground";
	argv[n++] = "--quiet";
	argv[n++] = "--config-net";
	argv[n++] = "--dns-forward";
	argv[n++] = PASTA_DNS;
	if (geteuid() == 0) {
		/* as root it would become nobody, which clears the parent-death
		 * signal (and cannot enter the namespace); it drops its
		 * capabilities but the two it needs itself */
		argv[n++] = "--runas";
		argv[n++] = "0";
	}
	for (i = 0; i < c->npublish; i++) {
		port_spec(&c->publish[i], specs[i], sizeof specs[i]);
		argv[n++] = c->publish[i].udp ? "-u" : "-t";
		argv[n++] = specs[i];
		tcp += !c->publish[i].udp;
		udp += c->publish[i].udp;
	}
	/* nothing else of the host's is bound or forwarded ("auto" would) */
	if (!tcp) {
		argv[n++] = "-t";
		argv[n++] = "none";
	}
	if (!udp) {
		argv[n++] = "-u";
		argv[n++] = "none";
	}
	argv[n++] = "-T";
	argv[n++] = "none";
	argv[n++] = "-U";
	argv[n++] = "none";
	/* its pid on a pipe, once it is ready: the readiness we wait for */
	snprintf(fds[0], sizeof fds[0], "/proc/self/fd/%d", ready);
	argv[n++] = "--pid";
	argv[n++] = fds[0];
	if (userns >= 0) {
		snprintf(fds[2], sizeof fds[2], "/proc/self/fd/%d", userns);
		argv[n++] = "--userns";
		argv[n++] = fds[2];
	}
	snprintf(fds[1], sizeof fds[1], "/proc/self/fd/%d", netns);
	argv[n++] = "--netns";
	argv[n++] = fds[1];
	argv[n] = NULL;
}

static __attribute__((noreturn)) void
exec_pasta(char **argv, int keep[3], int err, pid_t parent)
{
	sigset_t none;
	int i, null = open("/dev/null", O_RDWR | O_CLOEXEC);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127); /* we are gone already */
	for (i = 0; i < 3; i++)
		if (keep[i] >= 0)
			fcntl(keep[i], F_SETFD, 0);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	dup2(err, 2);
	for (i = 1; i < 65; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	if (errno == ENOENT)
		dprintf(2, "pasta: not found: --net private needs it (Debian package passt)\n");
	else
		dprintf(2, "pasta: cannot run it: %s\n", strerror(errno));
	_exit(127);
}

/* What pasta said on stderr, into msg: its first line but those about a
 * syslog it could not reach (a machine or container without one). */
static void
what_it_said(int err, char *msg, size_t size)
{
	char buf[4096], *line, *save = NULL;
	ssize_t n = pread(err, buf, sizeof buf - 1, 0);

	msg[0] = 0;
	buf[n > 0 ? n : 0] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "Failed to send ", 15) != 0 || !strstr(line, "syslog")) {
			snprintf(msg, size, "pasta: %s", line);
			return;
		}
}

pid_t
pasta_start(const struct config *c, pid_t pid, int userns, char *msg, size_t size)
{
	char path[64], got[32], *argv[MAX_ARGS];
	int p[2] = { -1, -1 }, keep[3] = { -1, -1, -1 }, err = -1, e;
	struct pollfd pfd;
	pid_t pasta = -1, self = getpid();
	ssize_t n = 0;

	msg[0] = 0;
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	if ((keep[1] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	if (userns && (keep[2] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		goto fail;
	/* its stderr, read if it fails (a memory file: pasta is never held
	 * by a pipe nobody reads) */
	if (pipe2(p, O_CLOEXEC) < 0 || (err = memfd_create("pasta", MFD_CLOEXEC)) < 0)
		goto fail;
	keep[0] = p[1];
	build_args(c, p[1], keep[1], keep[2], argv);
	if ((pasta = fork()) < 0)
		goto fail;
	if (pasta == 0)
		exec_pasta(argv, keep, err, self);
	close(p[1]);
	p[1] = -1;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while ((e = poll(&pfd, 1, PASTA_READY_MS)) < 0 && errno == EINTR)
		;
	if (e == 1)
		while ((n = read(p[0], got, sizeof got - 1)) < 0 && errno == EINTR)
			;
	if (n <= 0) {
		/* it ended, or hangs, before it was ready */
		kill(pasta, SIGKILL);
		while (waitpid(pasta, NULL, 0) < 0 && errno == EINTR)
			;
		what_it_said(err, msg, size);
		if (geteuid() != 0 && access("/dev/net/tun", R_OK | W_OK) < 0) {
			size_t k = strlen(msg);
			snprintf(msg + k, size - k, "%s/dev/net/tun is not open to users: it needs mode "
			         "0666, as Debian's udev rule sets it", k ? "; " : "");
		}
		if (!msg[0])
			snprintf(msg, size, "pasta %s", e == 0 ? "did not get ready within 10 s" :
			         "ended before it was ready");
		pasta = -1;
		errno = EIO;
		goto fail;
	}
	close(p[0]);
	close(err);
	close(keep[1]);
	if (keep[2] >= 0)
		close(keep[2]);
	return pasta;
fail:
	e = errno;
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (err >= 0)
		close(err);
	if (keep[1] >= 0)
		close(keep[1]);
	if (keep[2] >= 0)
		close(keep[2]);
	errno = e;
	return -1;
}

void
pasta_stop(pid_t pasta)
{
	if (pasta <= 0)
		return;
	kill(pasta, SIGKILL);
	while (waitpid(pasta, NULL, 0) < 0 && errno == EINTR)
		;
}
