#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "defaults.h"
#include "dirscan.h"
#include "log.h"
#include "num.h"
#include "sys.h"
#include "shutdown.h"
#include "sig.h"

/* The parent of pid, from /proc/PID/stat; -1 if gone. */
static long
parent_of(unsigned long pid)
{
	char path[sizeof PROC_DIR "/" + NUM_BUFSZ + sizeof "/stat"];
	char num[NUM_BUFSZ], buf[512], *p;
	unsigned long ppid;
	ssize_t n;
	int fd;

	strcpy(path, PROC_DIR "/");
	strcat(path, fmt_ulong(num, pid));
	strcat(path, "/stat");
	if ((fd = sys_open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* "pid (comm) S ppid ...": comm may hold anything, even ") " */
	if (!(p = strrchr(buf, ')')) || strlen(p) < 5)
		return -1;
	p += 4;
	*strchrnul(p, ' ') = 0;
	return parse_ulong(p, 1UL << 30, &ppid) < 0 ? -1 : (long)ppid;
}

struct scan {
	unsigned long self;
	int sig;
};

static int
signal_if_descendant(const char *name, unsigned char type, void *ctx)
{
	struct scan *s = ctx;
	unsigned long pid;
	long up;
	int depth;

	(void)type;
	if (parse_ulong(name, 1UL << 30, &pid) < 0 || pid == s->self)
		return 0;
	for (up = (long)pid, depth = 0; up > 1 && depth < 4096; depth++) {
		up = parent_of((unsigned long)up);
		if (up == (long)s->self) {
			kill((pid_t)pid, s->sig);
			break;
		}
	}
	return 0;
}

/* Our pid as PROC_DIR counts it, if that is our PID namespace's procfs. */
static unsigned long
proc_self(void)
{
	char buf[NUM_BUFSZ], num[NUM_BUFSZ];
	ssize_t n = readlink(PROC_DIR "/self", buf, sizeof buf - 1);

	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strcmp(buf, fmt_ulong(num, (unsigned long)getpid())) == 0 ?
		(unsigned long)getpid() : 0;
}

/* Sends sig to every other process of our PID namespace when we are its
 * PID 1, else to every descendant (found through /proc when it is ours,
 * else the process group fallback_pgrp). */
static void
kill_rest(int sig, pid_t fallback_pgrp)
{
	struct scan s = { .sig = sig };
	int dir;

	if (getpid() == 1) {
		kill(-1, sig);
		return;
	}
	if ((s.self = proc_self()) &&
	    (dir = sys_open(PROC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		dir_each(dir, signal_if_descendant, &s);
		close(dir);
		return;
	}
	/* No /proc of ours: the payload's process group is what we know. */
	if (fallback_pgrp > 0)
		kill(-fallback_pgrp, sig);
}

/* Reaps every child that has exited; -1 when no child is left at all, else
 * 0. warn: report each one. */
static int
reap_rest(int warn)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) != 0) {
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return -1; /* ECHILD: nothing is left */
		}
		if (warn)
			say_warn("Reaped zombie process with pid=%d", (int)pid);
	}
	return 0;
}

void
shutdown_rest(unsigned long long grace_ms, pid_t fallback_pgrp, int warn)
{
	long long deadline;

	if (reap_rest(warn) < 0)
		return;
	say_info("SIGTERM to the remaining processes");
	kill_rest(SIGTERM, fallback_pgrp);
	kill_rest(SIGCONT, fallback_pgrp); /* a stopped process cannot exit */
	deadline = mono_ms() + (long long)grace_ms;
	for (;;) {
		long long left;
		if (reap_rest(warn) < 0)
			return;
		if ((left = deadline - mono_ms()) <= 0)
			break;
		sig_wait(left); /* SIGCHLD, or anything: we look again */
	}
	say_warn("grace period over: SIGKILL to the rest");
	deadline = mono_ms() + 3000;
	while (mono_ms() < deadline) {
		kill_rest(SIGKILL, fallback_pgrp);
		if (reap_rest(warn) < 0)
			return;
		sig_wait(100); /* killed ones still exiting, or new forks */
	}
	/* Not PID 1, without a /proc of ours: some descendants could not be
	 * found to be killed. They go to whoever is above us. */
	say_warn("some processes could not be stopped");
}
