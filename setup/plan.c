/*
 * The container's setup, as an ordered plan of steps run by its first
 * process inside the new namespaces. Each step returns 0, or -1 with errno
 * and ct->why; the first failure ends the process with one line and 125.
 * Nothing here needs undoing: every mount lives in the container's own
 * mount namespace and goes away with it. New protections are new steps.
 *
 * The image, its /sbin/init included, is untrusted: everything that guards
 * the host happens here, before anything from the image runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "container.h"
#include "dev.h"
#include "env.h"
#include "fds.h"
#include "log.h"
#include "mounts.h"
#include "net.h"
#include "resolve.h"
#include "seccomp.h"
#include "sys.h"

/* Die with our parent: the launcher holds the container's exit status and
 * its cgroup; a container without it would be left behind. The check after
 * prctl catches a parent that died before we asked. */
static int
step_die_with_parent(struct container *ct)
{
	struct pollfd p = { .fd = ct->sync_fd, .events = POLLIN };

	ct->why = "parent-death signal";
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return -1;
	/* The launcher keeps its end open until we exec: a hang-up with
	 * nothing to read means it is gone. */
	if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP) && !(p.revents & POLLIN)) {
		ct->why = "the launcher is gone";
		errno = ESRCH;
		return -1;
	}
	return 0;
}

/* The launcher says go once it has done its part on the host (cgroup, user
 * namespace maps); EOF means it died. */
static int
step_wait_for_launcher(struct container *ct)
{
	char go;
	ssize_t n;

	ct->why = "launcher";
	do
		n = read(ct->sync_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	if (n == 0)
		errno = ESRCH;
	return -1;
}

/* In a user namespace made by root (--userns), our ids are still the host's
 * root, unmapped there: become its root, the mapped range's first id. */
static int
step_userns_root(struct container *ct)
{
	if (!ct->userns)
		return 0;
	ct->why = "user namespace";
	if (!ct->rootless && sys_setgroups(0, NULL) < 0)
		return -1;
	if (sys_setresgid(0) < 0 || sys_setresuid(0) < 0)
		return -1;
	return step_die_with_parent(ct); /* a change of ids clears it */
}

static int
step_cgroup_ns(struct container *ct)
{
	/* After the launcher moved us into our cgroup: it is our root now. */
	ct->why = "cgroup namespace";
	return unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL ? -1 : 0;
}

static int
step_terminal(struct container *ct)
{
	/* A process group of our own, which is the terminal's foreground when
	 * we had it: the init sees a terminal it can hand to its payload, and
	 * ^C reaches the container once, not through us as well. */
	ct->why = "process group";
	if (setpgid(0, 0) < 0)
		return -1;
	if (ct->tty && tcsetpgrp(0, getpid()) < 0)
		note("cannot give the terminal to the container: %s", strerror(errno));
	return 0;
}

static int
step_hostname(struct container *ct)
{
	ct->why = ct->hostname;
	return sethostname(ct->hostname, strlen(ct->hostname));
}

static int
step_loopback(struct container *ct)
{
	ct->why = "lo";
	return ct->c->net == NET_NONE ? net_loopback_up() : 0;
}

static int
step_user_lookup(struct container *ct)
{
	const char *spec = ct->c->user ? ct->c->user : "0";
	const char *why;

	/* In the image's own /etc, now that it is our root. */
	if (creds_lookup(spec, "/etc/passwd", "/etc/group", &ct->creds, &why) == 0)
		return 0;
	ct->why = why;
	errno = ENOENT;
	return -1;
}

/* As Docker does, a missing working directory is made, inside the root,
 * before the root may become read-only. */
static int
step_make_workdir(struct container *ct)
{
	int fd;

	if (!ct->c->workdir)
		return 0;
	ct->why = ct->c->workdir;
	if ((fd = open_in_root(ct->rootfd, ct->c->workdir, WANT_DIR, 1)) < 0)
		return -1;
	return close(fd);
}

static int
step_workdir(struct container *ct)
{
	const char *dir = ct->c->workdir ? ct->c->workdir : "/";
	char cwd[PATH_MAX];

	ct->why = dir;
	if (chdir(dir) < 0)
		return -1;
	/* Never a directory outside the root (runc CVE-2024-21626): the
	 * kernel marks such a cwd "(unreachable)". */
	if (!getcwd(cwd, sizeof cwd) || cwd[0] != '/') {
		errno = EPERM;
		ct->why = "working directory outside the container";
		return -1;
	}
	return 0;
}

static int
step_env(struct container *ct)
{
	ct->why = "environment";
	if (!(ct->envp = env_build(ct))) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int
step_bounding_caps(struct container *ct)
{
	ct->why = "bounding set";
	return caps_limit_bounding(ct->caps);
}

static int
step_user(struct container *ct)
{
	const struct creds *cr = &ct->creds;

	ct->why = ct->c->user ? ct->c->user : "root";
	/* Keep the permitted set across setuid; the next step trims it. In a
	 * user namespace without setgroups (rootless), groups stay as mapped. */
	if (prctl(PR_SET_KEEPCAPS, 1) < 0)
		return -1;
	if (sys_setgroups((size_t)cr->ngroups, cr->groups) < 0 &&
	    !(errno == EPERM && ct->rootless))
		return -1;
	if (sys_setresgid(cr->gid) < 0 || sys_setresuid(cr->uid) < 0)
		return -1;
	/* A change of credentials clears the parent-death signal: again. */
	return step_die_with_parent(ct);
}

static int
step_caps(struct container *ct)
{
	ct->why = "capabilities";
	return caps_set(ct->caps, ct->creds.uid);
}

static int
step_no_new_privs(struct container *ct)
{
	ct->why = "no_new_privs";
	return ct->c->no_new_privs ? prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) : 0;
}

static int
step_seccomp(struct container *ct)
{
	ct->why = "seccomp";
	return ct->c->seccomp ? seccomp_load_default() : 0;
}

/* Closes every descriptor from first on, but keep (or -1). */
static int
close_fds_but(unsigned first, int keep)
{
	if (keep >= (int)first) {
		if ((unsigned)keep > first &&
		    syscall(SYS_close_range, first, (unsigned)keep - 1, 0) < 0)
			return -1;
		first = (unsigned)keep + 1;
	}
	if (syscall(SYS_close_range, first, ~0U, 0) < 0) {
		if (keep >= 0)
			return -1;
		fds_close_from((int)first); /* a kernel without close_range */
	}
	return 0;
}

/* Only 0, 1, 2 and sockets passed for socket activation go in. Done first,
 * so that no inherited descriptor of a host directory can be reached during
 * the setup either (as /proc/self/fd/N in a --workdir: runc CVE-2024-21626),
 * and again last (the init's own descriptor, close-on-exec, excepted). */
static int
step_close_inherited_fds(struct container *ct)
{
	ct->why = "descriptors";
	return close_fds_but(3U + (unsigned)ct->listen_fds, ct->sync_fd);
}

static int
step_close_fds(struct container *ct)
{
	ct->why = "descriptors";
	return close_fds_but(3U + (unsigned)ct->listen_fds, ct->init_fd);
}

static const struct step {
	const char *name;
	int (*run)(struct container *);
} steps[] = {
	{ "set the parent-death signal",   step_die_with_parent },
	{ "close inherited descriptors",   step_close_inherited_fds },
	{ "wait for the launcher",         step_wait_for_launcher },
	{ "become root in the user namespace", step_userns_root },
	{ "make a cgroup namespace",       step_cgroup_ns },
	{ "take the terminal",             step_terminal },
	{ "make the mount tree private",   mount_tree_private },
	{ "mount the root filesystem",     mount_root },
	{ "mount /proc",                   mount_proc },
	{ "mount /sys",                    mount_sys },
	{ "mask /proc and /sys paths",     mount_masks },
	{ "make /dev",                     dev_make },
	{ "mount a volume",                mount_volumes },
	{ "mount a tmpfs",                 mount_tmpfs },
	{ "provide the init",              mount_init },
	{ "set the hostname",              step_hostname },
	{ "bring up loopback",             step_loopback },
	{ "make the working directory",    step_make_workdir },
	{ "make the root read-only",       mount_root_readonly },
	{ "pivot into the root",           mount_pivot },
	{ "look up the user",              step_user_lookup },
	{ "change to the working directory", step_workdir },
	{ "build the environment",         step_env },
	/* The filter goes on while we are still root with every capability:
	 * without no_new_privs, loading it needs CAP_SYS_ADMIN. What follows
	 * (setresuid, capset, prctl, close_range, execve) it allows. */
	{ "set no_new_privs",              step_no_new_privs },
	{ "load the seccomp filter",       step_seccomp },
	{ "limit the bounding set",        step_bounding_caps },
	{ "switch user",                   step_user },
	{ "set capabilities",              step_caps },
	{ "close descriptors",             step_close_fds },
};

/* The container starts with default signal actions, not with what our
 * caller ignored (exec resets handlers, not SIG_IGN). The kernel's struct
 * sigaction: no handler is installed, so no restorer is needed. */
static void
reset_ignored_signals(unsigned long long ignored)
{
	struct { unsigned long handler, flags, restorer, mask; } dfl = { 0 };
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (ignored & (1ULL << (sig - 1)))
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
}

/* --no-init: the command is PID 1, found in the container's PATH. */
static void
exec_command(struct container *ct, char *const *argv)
{
	extern char **environ;

	environ = ct->envp;
	execvp(argv[0], argv);
}

/* No COMMAND: an appliance image (one with a services directory) runs its
 * services under its init; anything else gets a shell. */
static char *const *
default_command(struct container *ct)
{
	static char *const sh[] = { "/bin/sh", NULL }, *const none[] = { NULL };

	if (ct->c->argv)
		return ct->c->argv;
	if (ct->init_exec && access(SERVICES_DIR, F_OK) == 0)
		return none;
	return sh;
}

void
plan_run(struct container *ct)
{
	char *const *cmd;
	size_t i, n;
	int err;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		ct->why = NULL;
		if ((int)i + 1 == ct->fail_step) {
			ct->why = "MOCKER_FAIL_STEP";
			errno = EIO;
		} else if (steps[i].run(ct) == 0) {
			continue;
		}
		if (ct->why)
			die_errno(EXIT_FAIL, "cannot %s: %s", steps[i].name, ct->why);
		die_errno(EXIT_FAIL, "cannot %s", steps[i].name);
	}

	cmd = default_command(ct);
	reset_ignored_signals(ct->ignored);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &ct->sigmask, NULL, 8);
	if (!ct->init_exec) {
		exec_command(ct, cmd);
	} else {
		char **argv;
		for (n = 0; cmd[n]; n++)
			;
		if (!(argv = calloc(n + 3, sizeof *argv)))
			die(EXIT_FAIL, "out of memory");
		argv[0] = (char *)ct->init_exec;
		if (n) {
			argv[1] = "--";
			memcpy(argv + 2, cmd, n * sizeof *argv);
		}
		/* Through the descriptor that was checked; a script cannot run
		 * from a close-on-exec descriptor (ENOENT): by its path then. */
		syscall(SYS_execveat, ct->init_fd, "", argv, ct->envp, AT_EMPTY_PATH);
		if (errno == ENOENT)
			execve(ct->init_exec, argv, ct->envp);
		cmd = argv;
	}
	err = errno;
	if (err == ENOENT || err == ENOTDIR)
		die(EXIT_NOTFOUND, "%s: command not found", cmd[0]);
	errno = err;
	die_errno(EXIT_NOEXEC, "%s: cannot execute", cmd[0]);
}
