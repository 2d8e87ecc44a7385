#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "file.h"
#include "log.h"
#include "run.h"
#include "userns.h"

/* All signals, raw: libc's sets hide the ones it reserves. */
static const unsigned long long all_signals = ~0ULL;


static int
wait_signal(siginfo_t *si)
{
	int sig;

	do
		sig = (int)syscall(SYS_rt_sigtimedwait, &all_signals, si, NULL, 8);
	while (sig < 0 && errno == EINTR);
	return sig;
}

/* /proc/PID/FILE into buf; its length, or -1. */
static ssize_t
read_proc(pid_t pid, const char *file, char *buf, size_t size)
{
	char dir[32];

	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	return file_read(dir, file, buf, size);
}

/* Has pid exec'd (its executable is no longer ours)? */
static int
exec_seen(pid_t pid, const struct stat *self)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	return stat(path, &st) < 0 || st.st_dev != self->st_dev || st.st_ino != self->st_ino;
}

/*
 * Can pid, the container's PID 1, take sig now? It must have exec'd (its
 * executable is no longer ours) and block or catch sig, or wait for signals
 * in rt_sigtimedwait (which unblocks what it waits for while it waits, so
 * SigBlk reads empty then). As PID 1 of its namespace it would drop the
 * signal otherwise: during our setup (signals come back just before exec)
 * and until its init has blocked them. 1 yes, 0 not yet, -1 gone.
 */
static int
ready_for(pid_t pid, int sig, const struct stat *self)
{
	char path[64], buf[8192], *p;
	unsigned long long blk = 0, cgt = 0;
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	if (stat(path, &st) < 0)
		return errno == ENOENT || errno == ESRCH ? -1 : 1; /* gone, or unknowable */
	if (st.st_dev == self->st_dev && st.st_ino == self->st_ino)
		return 0;
	if (read_proc(pid, "status", buf, sizeof buf) <= 0)
		return errno == ENOENT || errno == ESRCH ? -1 : 1;
	if ((p = strstr(buf, "SigBlk:")))
		blk = strtoull(p + 7, NULL, 16);
	if ((p = strstr(buf, "SigCgt:")))
		cgt = strtoull(p + 7, NULL, 16);
	if (((blk | cgt) >> (sig - 1)) & 1)
		return 1;
	return read_proc(pid, "syscall", buf, sizeof buf) > 0 &&
	       atol(buf) == SYS_rt_sigtimedwait;
}

/* Everything but SIGCHLD is for the container: its init passes it on.
 * Until the init is seen to take signals, wait for it (at most a second). */
static void
forward(pid_t pid, int sig, int *ready, const struct stat *self)
{
	struct timespec ms = { 0, 1000000 };
	int waited = 0, r;

	/* The setup takes what it takes (it ends or the child dies); after
	 * exec an init gets a second to block or catch signals, once: one
	 * that never does is not waited for again. */
	while (!*ready) {
		r = ready_for(pid, sig, self);
		if (r != 0 || (r == 0 && exec_seen(pid, self) && ++waited > 1000)) {
			*ready = 1;
			break;
		}
		nanosleep(&ms, NULL);
	}
	if (kill(pid, sig) < 0 && errno != ESRCH)
		warnx_("cannot forward signal %d: %s", sig, strerror(errno));
}

static unsigned long
clone_flags(const struct container *ct)
{
	unsigned long f = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;

	if (ct->c->net == NET_NONE)
		f |= CLONE_NEWNET;
	if (ct->userns)
		f |= CLONE_NEWUSER;
	return f;
}

/* The container's first process: it becomes PID 1 of its namespace and
 * execs the init after the plan. */
static __attribute__((noreturn)) void
child(struct container *ct, int sync[2])
{
	close(sync[1]);
	ct->sync_fd = sync[0];
	/* Signals stay blocked through the setup (as PID 1 we would ignore
	 * them, SIGTTOU from tcsetpgrp included); the caller's mask,
	 * ct->sigmask, comes back just before exec. */
	plan_run(ct);
}

int
run_container(struct container *ct)
{
	int sync[2], status = 0, code;
	const char *why = NULL;
	struct stat self;
	int ready = 0;
	siginfo_t si;
	pid_t pid;

	if (stat("/proc/self/exe", &self) < 0)
		die_errno(EXIT_FAIL, "cannot read /proc/self/exe");
	if (pipe2(sync, O_CLOEXEC) < 0)
		die_errno(EXIT_FAIL, "cannot make a pipe");
	pid = (pid_t)syscall(SYS_clone, clone_flags(ct) | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		code = errno;
		cgroup_remove(&ct->cg);
		errno = code;
		die_errno(EXIT_FAIL, "cannot make the namespaces");
	}
	if (pid == 0)
		child(ct, sync);
	close(sync[0]);

	/* The host's part, while the child waits: nothing from the image runs
	 * before it is in its cgroup and its user namespace is mapped. */
	if (cgroup_attach(&ct->cg, pid, &why) < 0 ||
	    (ct->userns && userns_map(ct, pid, &why) < 0)) {
		code = errno;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		cgroup_remove(&ct->cg);
		errno = code;
		die_errno(EXIT_FAIL, "cannot %s", why);
	}
	if (write(sync[1], "g", 1) != 1) {
		/* the child is gone already: its status tells why */
	}

	for (;;) {
		int sig = wait_signal(&si);
		if (sig == SIGCHLD) {
			pid_t r = waitpid(pid, &status, WNOHANG);
			if (r == pid)
				break;
			continue;
		}
		if (sig > 0)
			forward(pid, sig, &ready, &self);
	}
	close(sync[1]);

	if (ct->tty && tcsetpgrp(0, getpgrp()) < 0)
		note("cannot take the terminal back: %s", strerror(errno));
	if (WIFSIGNALED(status)) {
		code = 128 + WTERMSIG(status);
		if (WTERMSIG(status) == SIGKILL && cgroup_oom_killed(&ct->cg))
			report("the container was killed: out of memory (--memory limit)");
	} else {
		code = WEXITSTATUS(status);
		if (code == 137 && cgroup_oom_killed(&ct->cg))
			report("a process was killed: out of memory (--memory limit)");
	}
	cgroup_remove(&ct->cg);
	return code;
}
