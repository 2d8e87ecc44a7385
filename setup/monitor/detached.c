/*
 * A detached container's monitor, once the container started: mocker's
 * process after the setup (its pid is the one `ps` and `stop` know, the
 * container's init is its child) becomes this program, and keeps the
 * log of what the container writes until it ends; mocker stop's SIGTERM
 * becomes the stop signal (the init, mocker-init, passes it on) and the
 * stop timeout, any other signal goes to the init. When the init is
 * reaped, its network's pasta (a child too) is ended, mocker records how
 * it ended (`mocker _ended`, run from the descriptor of its binary kept
 * open), then the cgroup is removed and the watcher told.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "clock.h"
#include "ctrlog.h"
#include "nft.h"
#include "monitor.h"

static struct cgroup cg;
static struct ctrlog log_;

static int
env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : def;
}

static void
env_str(const char *name, char *buf, size_t size)
{
	const char *v = getenv(name);

	snprintf(buf, size, "%s", v ? v : "");
}

/* The cgroup as the launcher made it: its directories, one a line. */
static void
load_cgroup(void)
{
	const char *dirs = getenv("MOCKER_CGROUP");
	size_t n;

	while (dirs && *dirs && cg.ndirs < CGROUP_MAX_DIRS) {
		n = strcspn(dirs, "\n");
		if (n > 0 && n < PATH_MAX) {
			memcpy(cg.dirs[cg.ndirs], dirs, n);
			cg.dirs[cg.ndirs++][n] = 0;
		}
		dirs += n + (dirs[n] == '\n');
	}
	env_str("MOCKER_KILL_DIR", cg.kill_dir, sizeof cg.kill_dir);
	env_str("MOCKER_FREEZER_DIR", cg.freezer_dir, sizeof cg.freezer_dir);
	env_str("MOCKER_MEMORY_DIR", cg.memory_dir, sizeof cg.memory_dir);
	cg.memory_v2 = env_int("MOCKER_MEMORY_V2", 0);
	cg.guard_fd = env_int("MOCKER_GUARD", -1);
	cg.v2fd = -1;
}

/* What is in fd, to the log; 0 at its end. */
static int
relay(int fd, int stream)
{
	char buf[16384]; /* its stack is part of what it costs */
	ssize_t n;

	do
		n = read(fd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 1;
	if (n <= 0)
		return 0;
	ctrlog_write(&log_, stream, buf, (size_t)n);
	return 1;
}

/* Has mocker (the binary at fd self) record the container's end. */
static void
record_end(int self, int code, int oom)
{
	char root[PATH_MAX], id[96], codes[16], ooms[16];
	char *argv[] = { "mocker", "--root", root, "_ended", id, codes, ooms, NULL };
	char *env[] = { NULL };
	pid_t pid;

	env_str("MOCKER_ROOT", root, sizeof root);
	env_str("MOCKER_ID", id, sizeof id);
	snprintf(codes, sizeof codes, "%d", code);
	snprintf(ooms, sizeof ooms, "%d", oom);
	if ((pid = fork()) == 0) {
		syscall(SYS_execveat, self, "", argv, env, AT_EMPTY_PATH);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int
monitor_detached(void)
{
	enum { P_SIG, P_OUT, P_ERR, P_N };
	struct pollfd p[P_N];
	unsigned long long all = ~0ULL;
	pid_t pid = env_int("MOCKER_PID", -1), pasta;
	int stop_timeout = env_int("MOCKER_STOP_TIMEOUT", 10), status = 0, done = 0;
	long long kill_at = 0;
	char dir[PATH_MAX];

	load_cgroup();
	env_str("MOCKER_DIR", dir, sizeof dir);
	if (pid <= 0 || ctrlog_open(&log_, dir) < 0)
		return 2;
	p[P_SIG].fd = (int)syscall(SYS_signalfd4, -1, &all, 8, SFD_CLOEXEC);
	p[P_OUT].fd = env_int("MOCKER_OUT", -1);
	p[P_ERR].fd = env_int("MOCKER_ERR", -1);
	for (int i = 0; i < P_N; i++)
		p[i].events = POLLIN;
	/* from now on, we must not die: the container runs */
	for (;;) {
		int timeout = -1, n;
		if (done && p[P_OUT].fd < 0 && p[P_ERR].fd < 0)
			break;
		if (done)
			timeout = 1000; /* drained, but for what nobody closes */
		else if (kill_at)
			timeout = kill_at > now_ms() ? (int)(kill_at - now_ms()) : 0;
		n = poll(p, P_N, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && done)
			break;
		if (kill_at && now_ms() >= kill_at) {
			/* it did not stop within the stop timeout */
			kill_at = 0;
			if (cg.kill_dir[0] || cg.freezer_dir[0])
				cgroup_kill_all(&cg);
			else
				kill(pid, SIGKILL);
		}
		if (n > 0 && (p[P_SIG].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(p[P_SIG].fd, &si, sizeof si) != (ssize_t)sizeof si)
				continue;
			if (si.ssi_signo == SIGCHLD) {
				if (waitpid(pid, &status, WNOHANG) == pid) {
					done = 1;
					kill_at = 0; /* its pid is nobody's now */
					p[P_SIG].fd = -1;
				}
			} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
				/* mocker stop -t N sends N + 2 with it */
				if (si.ssi_code == SI_QUEUE && si.ssi_int >= 1)
					stop_timeout = si.ssi_int - 2;
				if (!kill_at && stop_timeout >= 0)
					kill_at = now_ms() + (long long)stop_timeout * 1000 + (stop_timeout == 0);
				kill(pid, SIGTERM); /* its mocker-init's stop (-r) */
			} else {
				kill(pid, (int)si.ssi_signo);
			}
		}
		if (n > 0 && p[P_OUT].fd >= 0 && p[P_OUT].revents && !relay(p[P_OUT].fd, 1))
			p[P_OUT].fd = -1;
		if (n > 0 && p[P_ERR].fd >= 0 && p[P_ERR].revents && !relay(p[P_ERR].fd, 2))
			p[P_ERR].fd = -1;
	}
	ctrlog_close(&log_);
	if ((pasta = env_int("MOCKER_PASTA", 0)) > 0) {
		/* its network's pasta: the ports are free once it is recorded */
		kill(pasta, SIGKILL);
		while (waitpid(pasta, NULL, 0) < 0 && errno == EINTR)
			;
	}
	/* its address on mocker0, its ports' rules (bridge.h) */
	if (getenv("MOCKER_NFT_DELETE") && *getenv("MOCKER_NFT_DELETE")) {
		char msg[256];
		nft_run(getenv("MOCKER_NFT") && *getenv("MOCKER_NFT") ? getenv("MOCKER_NFT") : "nft",
		        getenv("MOCKER_NFT_DELETE"), msg, sizeof msg);
	}
	if (getenv("MOCKER_LEASE") && *getenv("MOCKER_LEASE"))
		unlink(getenv("MOCKER_LEASE"));
	/* the state first: once the cgroup is removed, the watcher is told
	 * all is done and would not remove it if we were killed then */
	record_end(env_int("MOCKER_SELF", -1),
	           WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status),
	           cgroup_oom_killed(&cg));
	cgroup_remove(&cg);
	return 0;
}
