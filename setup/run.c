#include <arpa/inet.h>
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
#include "clock.h"
#include "file.h"
#include "log.h"
#include "bridge.h"
#include "pasta.h"
#include "monitor_exec.h"
#include "oci.h"
#include "fdpass.h"
#include "idmap.h"
#include "image_run.h"
#include "run.h"
#include "terminal.h"
#include "userns.h"

/* All signals, raw: libc's sets hide the ones it reserves. */
static const unsigned long long all_signals = ~0ULL;


/* The next signal, or 0 when timeout_ms (>= 0) passed first. */
static int
wait_signal(siginfo_t *si, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000 };
	int sig;

	do
		sig = (int)syscall(SYS_rt_sigtimedwait, &all_signals, si,
		                   timeout_ms >= 0 ? &ts : NULL, 8);
	while (sig < 0 && errno == EINTR);
	return sig < 0 && errno == EAGAIN ? 0 : sig;
}

/* /proc/PID/FILE into buf; its length, or -1. */
static ssize_t
read_proc(pid_t pid, const char *file, char *buf, size_t size)
{
	char dir[32];

	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	return file_read(dir, file, buf, size);
}

/* Is the executable at /proc/PID/exe one of ours: mocker (before the
 * exec), or our init's copy while it runs another program (-x)? 1 yes,
 * 0 no, -1 unknowable (or gone). */
static int
still_ours(pid_t pid, const struct stat *self, const struct stat *init)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	if (stat(path, &st) < 0)
		return -1;
	return (st.st_dev == self->st_dev && st.st_ino == self->st_ino) ||
	       (init && st.st_dev == init->st_dev && st.st_ino == init->st_ino);
}

/*
 * Can pid, the container's PID 1, take sig now? It must run the program
 * that stays PID 1 (not mocker, nor our init before it execs that) and
 * block or catch sig, or wait for signals in rt_sigtimedwait (which
 * unblocks what it waits for while it waits, so SigBlk reads empty then).
 * As PID 1 of its namespace it would drop the signal otherwise. 1 yes,
 * 0 not yet, -1 gone.
 */
static int
ready_for(pid_t pid, int sig, const struct stat *self, const struct stat *init)
{
	char buf[8192], *p;
	unsigned long long blk = 0, cgt = 0;
	int ours = still_ours(pid, self, init);

	if (ours < 0)
		return errno == ENOENT || errno == ESRCH ? -1 : 1; /* gone, or unknowable */
	if (ours)
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
	int via_init;  /* our init execs the program that stays PID 1 */
	int mocker_init; /* which is a mocker-init, with our stop settings */
	int reported;  /* the setup went through (it reports just before exec) */
	int *status;   /* where the container's wait status goes */
	const struct container *ct;
	long long kill_at; /* stopping: when everything is killed, 0 if never */
	int stop_timeout;  /* seconds (-1: never), --stop-timeout or mocker stop -t */
	int stopping;
	struct stat self;
	struct stat init; /* our init's sealed copy */
};

static void forward(struct forwarding *f, int sig);
static void read_report(struct forwarding *f);

/* Milliseconds until the stop timeout, -1 for none. */
static int
ms_until_kill(void *ctx)
{
	const struct forwarding *f = ctx;
	long long left;

	if (!f->kill_at)
		return -1;
	left = f->kill_at - now_ms();
	return left < 0 ? 0 : left > 1000000000 ? 1000000000 : (int)left;
}

/*
 * SIGTERM or SIGINT to mocker stops the container as `docker stop` does:
 * the stop signal to its init (to our mocker-init, SIGTERM, which it
 * passes on as the stop signal: -r), and after the stop timeout every
 * process of its cgroup is killed.
 */
static void
stop(struct forwarding *f)
{
	const struct config *c = f->ct->c;

	if (!f->stopping) {
		f->stopping = 1;
		if (f->stop_timeout >= 0)
			f->kill_at = now_ms() + (long long)f->stop_timeout * 1000 + (f->stop_timeout == 0);
		note("stopping the container: signal %d, then killed after %d s",
		     c->stop_signal, f->stop_timeout);
	}
	if (f->sock >= 0)
		read_report(f);
	forward(f, f->mocker_init ? SIGTERM : c->stop_signal);
}

/* A signal mocker got (0: a timeout): SIGCHLD reaps the container (1 when
 * it is gone), SIGTERM and SIGINT stop it, anything else goes to it. */
static int
on_signal(int sig, int value, void *ctx)
{
	struct forwarding *f = ctx;

	if (sig == SIGCHLD)
		return waitpid(f->pid, f->status, WNOHANG) == f->pid;
	if (f->kill_at && now_ms() >= f->kill_at) {
		f->kill_at = 0;
		warnx_("the container did not stop within %d s: killing it", f->stop_timeout);
		if (cgroup_kill(&f->ct->cg) < 0)
			kill(f->pid, SIGKILL);
	}
	if ((sig == SIGTERM || sig == SIGINT) && !f->ct->exec) {
		/* mocker stop -t N sends N + 2 with it */
		if (value >= 1)
			f->stop_timeout = value - 2;
		stop(f);
	}
	else if (sig > 0)
		forward(f, sig);
	return 0;
}

/* The report comes at the end of the setup (or EOF, if the child died). */
static void
read_report(struct forwarding *f)
{
	char r = 0;
	ssize_t n;

	do
		n = read(f->sock, &r, 1);
	while (n < 0 && errno == EINTR);
	f->reported = n == 1;
	f->ready = n == 1 && r == REPORT_HANDSHAKE;
	f->via_init = n == 1 && r == REPORT_PROBE_AFTER_INIT;
	f->mocker_init = n == 1 && (r == REPORT_HANDSHAKE || r == REPORT_MOCKER_INIT_NO_HOLD);
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
	const struct stat *self = &f->self, *init;
	int *ready = &f->ready;

	if (f->sock >= 0)
		read_report(f);
	init = f->via_init ? &f->init : NULL;
	/* After exec a foreign init gets a second to block or catch signals,
	 * once: one that never does is not waited for again. */
	while (!*ready) {
		r = ready_for(pid, sig, self, init);
		if (r != 0 || (r == 0 && still_ours(pid, self, init) == 0 && ++waited > 1000)) {
			*ready = 1;
			break;
		}
		nanosleep(&ms, NULL);
	}
	if (kill(pid, sig) < 0 && errno != ESRCH)
		warnx_("cannot forward signal %d: %s", sig, strerror(errno));
}

/* Whether pid's user namespace is not ours. */
static int
in_other_userns(pid_t pid)
{
	struct stat mine, theirs;
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	return stat("/proc/self/ns/user", &mine) == 0 && stat(path, &theirs) == 0 &&
	       (mine.st_ino != theirs.st_ino || mine.st_dev != theirs.st_dev);
}

static unsigned long
clone_flags(const struct container *ct)
{
	unsigned long f = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;

	if (ct->c->oci) /* what its config asks; the cgroup one comes later */
		return ct->c->oci->ns_new & ~(unsigned long)CLONE_NEWCGROUP;
	if (ct->c->net == NET_NONE || ct->c->net == NET_PRIVATE)
		f |= CLONE_NEWNET;
	if (ct->userns)
		f |= CLONE_NEWUSER;
	return f;
}

/* -d: whether a container whose init ran has already ended because its
 * command could not be started: 125-127 and a line of mocker-init's on
 * its stderr (then it is reaped, and msg is that line). A command that
 * ran and ended at once is a container that started: it is left for the
 * monitor to record, with what it wrote. */
static int
could_not_start(struct container *ct, struct forwarding *f, char *msg, size_t size)
{
	siginfo_t si = { 0 };
	ssize_t n;

	if (waitid(P_PID, (id_t)f->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	    si.si_pid != f->pid || si.si_code != CLD_EXITED || si.si_status < 125 ||
	    si.si_status > 127)
		return 0;
	fcntl(ct->term.pipe_err[0], F_SETFL, O_NONBLOCK);
	n = read(ct->term.pipe_err[0], msg, size - 1);
	fcntl(ct->term.pipe_err[0], F_SETFL, 0); /* as the relay reads it */
	msg[n > 0 ? n : 0] = 0;
	if (n > 0 && strncmp(msg, "mocker", 6) != 0) { /* the command's own words */
		ctrlog_write(&ct->log, 2, msg, (size_t)n);
		return 0;
	}
	while (waitpid(f->pid, f->status, 0) < 0 && errno == EINTR)
		;
	return 1;
}

/* Where the container is, for mocker's commands; -d: waits until its
 * init runs and tells the foreground, "ok" or "CODE why". Returns 1 when
 * the container ended before (it is reaped then). */
static int
started(struct container *ct, struct forwarding *f, int sock)
{
	struct ctr *c = ct->ctr;
	char msg[1024] = "", b;
	int null, code, failed = 0;
	ssize_t n;

	if (!c) /* mocker exec */
		return 0;
	c->pid = f->pid;
	c->pid_start = proc_start_time(f->pid);
	c->monitor = getpid();
	c->mon_start = proc_start_time(c->monitor);
	c->started = ctr_now();
	c->status = CTR_RUNNING;
	snprintf(c->cgroup, sizeof c->cgroup, "%s", ct->cg.kill_dir[0] ? ct->cg.kill_dir :
	         ct->cg.ndirs ? ct->cg.dirs[0] : "");
	ctr_save(c);
	/* its state is there for rmi and prune to see: the store's lock goes */
	image_run_recorded();
	if (ct->status_fd < 0)
		return 0;
	read_report(f);
	while ((n = read(sock, &b, 1)) > 0 || (n < 0 && errno == EINTR))
		; /* until the exec of its init closes the socket */
	/* no report: the setup failed, and it ends (or has); or its init
	 * could not start the command, and says so */
	if ((!f->reported && waitpid(f->pid, f->status, 0) == f->pid) ||
	    (f->reported && could_not_start(ct, f, msg, sizeof msg))) {
		/* its one line, from its stderr, to the foreground */
		if (!f->reported) {
			fcntl(ct->term.pipe_err[0], F_SETFL, O_NONBLOCK);
			n = read(ct->term.pipe_err[0], msg, sizeof msg - 1);
			msg[n > 0 ? n : 0] = 0;
		}
		msg[strcspn(msg, "\n")] = 0;
		code = WIFEXITED(*f->status) ? WEXITSTATUS(*f->status) : EXIT_SETUP;
		dprintf(ct->status_fd, "%03d %s\n", code,
		        strncmp(msg, "mocker: ", 8) == 0 ? msg + 8 : msg[0] ? msg : "the container ended");
		failed = 1;
		c->auto_remove = 1; /* it never ran: nothing to keep */
	} else {
		(void)!write(ct->status_fd, "ok\n", 3);
	}
	close(ct->status_fd);
	ct->status_fd = -1;
	/* nothing of ours holds the foreground's stdio: $(mocker run -d) ends */
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	return failed;
}

/* Its state once it ended: kept for -d (until rm, or --rm), gone for a
 * foreground run. */
static void
ended(struct container *ct, int code, int oom)
{
	struct ctr *c = ct->ctr;

	if (!c)
		return;
	if (!c->detached) {
		ctr_remove(c);
		return;
	}
	ctrlog_close(&ct->log);
	ctr_ended(c, code, oom);
}

/* The container's first process, in its new namespaces and, where there
 * is a v2 cgroup, in the container's cgroup from its first instruction
 * (clone3 with CLONE_INTO_CGROUP, Linux 5.7); else moved there before it
 * is told to go. Returns as fork does; *cloned_in tells which. */
static pid_t
clone_container(const struct container *ct, int *cloned_in)
{
	struct {
		unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal,
			stack, stack_size, tls, set_tid, set_tid_size, cgroup;
	} args = { .flags = clone_flags(ct), .exit_signal = SIGCHLD };
	pid_t pid;

	*cloned_in = 0;
	if (ct->exec) {
		/* into the container's PID namespace: our children go there.
		 * Rootless, the kernel lets only a process of the container's
		 * user namespace in (CAP_SYS_ADMIN in its own namespace too):
		 * we join that first, in the same call. We stay out of sight
		 * of the container (its processes cannot name ours). */
		int ns = CLONE_NEWPID;
		if (geteuid() != 0 && in_other_userns(ct->exec_pid))
			ns |= CLONE_NEWUSER;
		if (setns(ct->exec_pidfd, ns) < 0)
			return -1;
		return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	}
	if (ct->c->oci) {
		/* an OCI PID namespace given by path: our children are born
		 * there, and we go back to ours after */
		int j, own = -1, err;
		for (j = 0; j < ct->c->oci->njoin; j++)
			if (ct->c->oci->join[j].type == CLONE_NEWPID)
				break;
		if (j < ct->c->oci->njoin) {
			if ((own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)) < 0 ||
			    setns(ct->join_fds[j], CLONE_NEWPID) < 0)
				return -1;
			pid = (pid_t)syscall(SYS_clone, clone_flags(ct) | SIGCHLD, 0, 0, 0, 0);
			if (pid == 0)
				return 0;
			err = errno;
			if (setns(own, CLONE_NEWPID) < 0)
				die_errno(EXIT_SETUP, "cannot go back to our PID namespace");
			close(own);
			errno = err;
			return pid;
		}
	}
	if (ct->cg.v2fd >= 0) {
		args.flags |= 0x200000000ULL; /* CLONE_INTO_CGROUP */
		args.cgroup = (unsigned long long)ct->cg.v2fd;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
		if (pid >= 0) {
			*cloned_in = 1;
			return pid;
		}
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
			return -1;
	}
	return (pid_t)syscall(SYS_clone, clone_flags(ct) | SIGCHLD, 0, 0, 0, 0);
}

/* mocker exec: pid joins every cgroup the container's init is in (its
 * limits apply to it, and its kill reaches it), as /proc/INIT/cgroup names
 * them from the host. */
static int
join_cgroups(pid_t init, pid_t pid, const char **why)
{
	char path[64], buf[4096], dir[PATH_MAX], num[24], *line, *save = NULL;
	int joined = 0;

	*why = "join the container's cgroup";
	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)init);
	if (file_read(NULL, path, buf, sizeof buf) <= 0)
		return -1;
	snprintf(num, sizeof num, "%d", (int)pid);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *ctrl;
		if (!c2 || strcmp(c2 + 1, "/") == 0)
			continue; /* the root of a hierarchy: nothing of ours */
		*c2 = 0;
		ctrl = c1 + 1;
		if (strncmp(ctrl, "name=", 5) == 0)
			ctrl += 5;
		if (!*ctrl) /* v2: the whole tree, or a hybrid host's unified one */
			snprintf(dir, sizeof dir, "/sys/fs/cgroup%s%s", access("/sys/fs/cgroup/unified",
			         F_OK) == 0 ? "/unified" : "", c2 + 1);
		else
			snprintf(dir, sizeof dir, "/sys/fs/cgroup/%s%s", ctrl, c2 + 1);
		if (file_write(dir, "cgroup.procs", num) == 0)
			joined++;
	}
	return joined ? 0 : -1;
}

/* "Go", with the idmapped trees of --userns: the image, unless its
 * filesystem cannot be idmapped (then it is used as it is, as without),
 * and each :idmap volume. -1 with errno when a volume's cannot be made. */
static int
send_go(const struct container *ct, pid_t pid, int sock)
{
	int fds[FDPASS_MAX], n = 0, i, ret;
	char go = 'g';

	if (ct->idmap) {
		if ((fds[n] = idmap_tree(ct->rootfs, pid)) >= 0)
			n++;
		else if ((go = 'G'))  /* go, without the image's */
			warnx_("%s cannot be idmapped (%s): container root does not own its "
			       "files", ct->rootfs, strerror(errno));
		for (i = 0; i < ct->c->nvolumes && n < FDPASS_MAX; i++) {
			if (!ct->c->volumes[i].idmap)
				continue;
			if ((fds[n] = idmap_tree(ct->c->volumes[i].host, pid)) < 0) {
				ret = errno;
				while (n > 0)
					close(fds[--n]);
				errno = ret;
				return -1;
			}
			n++;
		}
	}
	ret = fdpass_send(sock, go, fds, (size_t)n);
	for (i = 0; i < n; i++)
		close(fds[i]);
	if (ret < 0 && errno == EPIPE)
		return 0; /* the child is gone already: its status tells why */
	return ret;
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

/* Undoes the host's part of a run that fails before it starts: its first
 * process (pid, if any) killed, its network's pasta, rules and address,
 * then its cgroup, last: once that is gone the watcher is told all is
 * done and would undo nothing more. */
static void
abandon(struct container *ct, pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	pasta_stop(ct->pasta);
	ct->pasta = 0;
	bridge_release(&ct->lease);
	cgroup_remove(&ct->cg);
}

/* --net private: the container's network namespace connected, as root on
 * mocker0 (the watcher knows how to undo its rules before they are
 * added), else by pasta. 0, or -1 with msg. */
static int
connect_network(struct container *ct, pid_t pid, char *msg, size_t size)
{
	pid_t pasta;

	if (ct->bridge) {
		note("connect its network namespace (a veth pair on %s)", BRIDGE_NAME);
		if (bridge_connect(&ct->lease, ct->c, pid, ct->ctr->id, msg, size) < 0)
			return -1;
		cgroup_guard_nft(&ct->cg, ct->lease.nft_delete);
		return bridge_publish(&ct->lease, msg, size);
	}
	note("connect its network namespace (pasta)");
	if ((pasta = pasta_start(ct->c, pid, ct->userns, msg, size)) < 0)
		return -1;
	ct->pasta = pasta;
	return 0;
}

/* OCI create: the container's process says it is made and waits for
 * start; its caller (conmon, a containerd shim) has it from now on.
 * Returns 0, or the exit status of a setup that failed (its one line is
 * on its stderr, ours too). */
static int
created(struct container *ct, pid_t pid, int sock)
{
	int status = 0, master = -1;
	char b = 0;
	ssize_t n;

	/* its terminal first, to the caller's console socket */
	if (ct->term.console_socket) {
		if (fdpass_recv(sock, &b, &master, 1) == 1 && b == 't' &&
		    terminal_console_send(ct->term.console_socket, master) < 0) {
			warnx_("cannot send the terminal to --console-socket '%s': %s",
			       ct->term.console_socket, strerror(errno));
			kill(pid, SIGKILL);
		}
		if (master >= 0)
			close(master);
	}
	do
		n = read(sock, &b, 1);
	while (n < 0 && errno == EINTR);
	close(sock);
	if (n == 1 && b == 'c')
		return 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	cgroup_remove(&ct->cg);
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return WEXITSTATUS(status);
	return EXIT_SETUP;
}

int
run_container(struct container *ct)
{
	struct forwarding f = { .sock = -1 };
	int sync[2], status = 0, code, cloned_in = 0, oom;
	const char *why = NULL;
	siginfo_t si;
	pid_t pid;

	if (stat("/proc/self/exe", &f.self) < 0 || fstat(ct->init_memfd, &f.init) < 0)
		die_errno(EXIT_SETUP, "cannot read /proc/self/exe");
	/* "go" one way, the child's report the other; a hang-up either way
	 * tells that the other side is gone. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0)
		die_errno(EXIT_SETUP, "cannot make a socket pair");
	if (ct->bridge) {
		char said[256];
		note("lease an address on %s", BRIDGE_NAME);
		if (bridge_lease_take(&ct->lease, ct->ctr->id, said, sizeof said) < 0) {
			abandon(ct, 0);
			die(EXIT_SETUP, "cannot connect the container's network: %s", said);
		}
		cgroup_guard_unlink(&ct->cg, ct->lease.path, ct->ctr->id);
		inet_ntop(AF_INET, &ct->lease.ip, ct->ctr->ip, sizeof ct->ctr->ip);
	}
	note("clone the container's first process into new namespaces");
	pid = clone_container(ct, &cloned_in);
	if (pid < 0) {
		code = errno;
		abandon(ct, 0);
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
	if ((ct->exec ? (ct->exec_cgroup ? join_cgroups(ct->exec_pid, pid, &why) : 0) :
	                cgroup_attach(&ct->cg, pid, cloned_in, &why)) < 0 ||
	    (ct->userns && !ct->exec && !ct->c->oci &&
	     userns_map(&ct->maps, pid, ct->rootless, &why) < 0)) {
		code = errno;
		abandon(ct, pid);
		errno = code;
		die_errno(EXIT_SETUP, "cannot %s", why);
	}
	if (ct->c->net == NET_PRIVATE && !ct->exec) {
		char said[256];
		if (connect_network(ct, pid, said, sizeof said) < 0) {
			abandon(ct, pid);
			die(EXIT_SETUP, "cannot connect the container's network: %s", said);
		}
	}
	if (ct->before_go && ct->before_go(ct, pid, &why) < 0) {
		code = errno;
		abandon(ct, pid);
		errno = code;
		if (why && !code)
			die(EXIT_SETUP, "%s", why);
		die_errno(EXIT_SETUP, "cannot %s", why);
	}
	note("tell it to go on");
	if (send_go(ct, pid, sync[0]) < 0) {
		code = errno;
		abandon(ct, pid);
		errno = code;
		die_errno(EXIT_SETUP, "cannot make an idmapped mount");
	}

	if (ct->start_fd >= 0 || ct->hand_off) /* OCI create, exec -d */
		return created(ct, pid, sync[0]);

	f.status = &status;
	f.ct = ct;
	f.stop_timeout = ct->c->stop_timeout;
	if (started(ct, &f, sync[0])) {
		/* it ended before its init ran: told to the foreground already */
	} else if (ct->term.mode != TERM_NONE && terminal_parent_start(&ct->term, sync[0]) == 0) {
		/* -d: the rest is the monitor program's, which takes less of
		 * the host, where the init is ours (a foreign one is watched
		 * until it takes signals: that stays here) */
		if (ct->ctr && ct->ctr->detached && f.ready && f.mocker_init)
			monitor_take_over(ct, pid); /* returns when it could not */
		terminal_raw(&ct->term);
		terminal_relay(&ct->term, on_signal, ms_until_kill, &f);
		terminal_restore();
	} else {
		int sig;
		do
			sig = wait_signal(&si, ms_until_kill(&f));
		while (on_signal(sig, sig > 0 && si.si_code == SI_QUEUE ? si.si_value.sival_int : 0,
		                 &f) != 1);
	}
	close(sync[0]);

	if (WIFSIGNALED(status)) {
		code = 128 + WTERMSIG(status);
		if (WTERMSIG(status) == SIGKILL && cgroup_oom_killed(&ct->cg))
			report("the container was killed: out of memory (--memory limit)");
	} else {
		code = WEXITSTATUS(status);
		if (code == 137 && cgroup_oom_killed(&ct->cg))
			report("a process was killed: out of memory (--memory limit)");
	}
	oom = cgroup_oom_killed(&ct->cg);
	pasta_stop(ct->pasta); /* its ports are free once mocker returns */
	bridge_release(&ct->lease);
	/* the state first: once the cgroup is removed, the watcher is told
	 * all is done and would not remove it if we were killed then */
	ended(ct, code, oom);
	cgroup_remove(&ct->cg);
	return code;
}
