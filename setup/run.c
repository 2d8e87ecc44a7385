#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
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

/* How signals reach the container's PID 1: it reports, just before exec,
 * whether its init is mocker-init, which takes them blocked (a blocked
 * signal is queued for a namespace's PID 1, not dropped), or another
 * program, which must be watched until it can take them. */
struct forwarding {
	pid_t pid;
	int sock;      /* the child's report, then EOF at its exec */
	int ready;     /* a signal sent now is not lost */
	struct stat self;
};

/* The report comes at the end of the setup (or EOF, if the child died). */
static void
read_report(struct forwarding *f)
{
	char r = 0;
	ssize_t n;

	do
		n = read(f->sock, &r, 1);
	while (n < 0 && errno == EINTR);
	f->ready = n == 1 && r == REPORT_HANDSHAKE;
	f->sock = -1;
}

/* Everything but SIGCHLD is for the container: its init passes it on.
 * Until a foreign init is seen to take signals, wait for it (at most a
 * second). */
static void
forward(struct forwarding *f, int sig)
{
	struct timespec ms = { 0, 1000000 };
	int waited = 0, r;
	pid_t pid = f->pid;
	const struct stat *self = &f->self;
	int *ready = &f->ready;

	if (f->sock >= 0)
		read_report(f);
	/* After exec a foreign init gets a second to block or catch signals,
	 * once: one that never does is not waited for again. */
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
	close(sync[0]);
	ct->sync_fd = sync[1];
	/* Signals stay blocked through the setup (as PID 1 we would ignore
	 * them, SIGTTOU from tcsetpgrp included); the caller's mask,
	 * ct->sigmask, comes back just before exec. */
	plan_run(ct);
}

int
run_container(struct container *ct)
{
	struct forwarding f = { .sock = -1 };
	int sync[2], status = 0, code;
	const char *why = NULL;
	siginfo_t si;
	pid_t pid;

	if (stat("/proc/self/exe", &f.self) < 0)
		die_errno(EXIT_SETUP, "cannot read /proc/self/exe");
	/* "go" one way, the child's report the other; a hang-up either way
	 * tells that the other side is gone. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0)
		die_errno(EXIT_SETUP, "cannot make a socket pair");
	pid = (pid_t)syscall(SYS_clone, clone_flags(ct) | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		code = errno;
		cgroup_remove(&ct->cg);
		errno = code;
		die_errno(EXIT_SETUP, "cannot make the namespaces");
	}
	if (pid == 0)
		child(ct, sync);
	close(sync[1]);
	f.pid = pid;
	f.sock = ct->no_signal_hold ? -1 : sync[0];
	f.ready = ct->no_signal_hold;

	/* The host's part, while the child waits: nothing from the image runs
	 * before it is in its cgroup and its user namespace is mapped. */
	if (cgroup_attach(&ct->cg, pid, &why) < 0 ||
	    (ct->userns && userns_map(pid, ct->rootless, ct->host_uid, ct->host_gid,
	                              ct->c->userns_base, ct->c->userns_size, &why) < 0)) {
		code = errno;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		cgroup_remove(&ct->cg);
		errno = code;
		die_errno(EXIT_SETUP, "cannot %s", why);
	}
	if (write(sync[0], "g", 1) != 1) {
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
			forward(&f, sig);
	}
	close(sync[0]);

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
