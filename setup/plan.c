/*
 * The container's setup, as an ordered plan of steps run by its first
 * process inside the new namespaces. Each step returns 0, or -1 with errno
 * and perhaps a why (steps.h); the first failure ends the process with one
 * line, "cannot STEP: WHY: ERROR", and 125. This is the one place a failure
 * of the setup becomes a message. Nothing here needs undoing: every mount
 * lives in the container's own mount namespace and goes away with it. New
 * protections are new steps.
 *
 * The image, its /sbin/init included, is untrusted: everything that guards
 * the host happens here, before anything from the image runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "mocker.h"
#include "steps.h"

static const struct step {
	const char *name;
	step_fn *run;
} steps[] = {
	{ "set the parent-death signal",   step_die_with_parent },
	{ "close inherited descriptors",   step_close_inherited_fds },
	{ "wait for the launcher",         step_wait_for_launcher },
	{ "become root in the user namespace", step_userns_root },
	{ "make a cgroup namespace",       step_cgroup_ns },
	{ "take the terminal",             step_terminal },
	{ "make the mount tree a slave",   step_mount_tree_slave },
	{ "mount the root filesystem",     step_mount_root },
	{ "mount /proc",                   step_mount_proc },
	{ "mount /sys",                    step_mount_sys },
	{ "mask /proc and /sys paths",     step_mount_masks },
	{ "make /dev",                     step_make_dev },
	{ "mount a volume",                step_mount_volumes },
	{ "mount a tmpfs",                 step_mount_tmpfs },
	{ "provide the init",              step_provide_init },
	{ "set the hostname",              step_hostname },
	{ "bring up loopback",             step_loopback },
	{ "make the working directory",    step_make_workdir },
	{ "make the root read-only",       step_root_readonly },
	{ "pivot into the root",           step_pivot },
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

/* Tells the launcher how to pass signals on; the socket closes at exec. */
static void
report_to_launcher(struct container *ct)
{
	char r = ct->init_is_ours ? REPORT_HANDSHAKE : REPORT_PROBE;

	if (write(ct->sync_fd, &r, 1) != 1) {
		/* the launcher is gone: the parent-death signal ends us */
	}
}

/* The init's command line: INIT [--launcher-signals MASK:IGN] [-- CMD...] */
static char **
init_argv(struct container *ct, char *const *cmd)
{
	static char sigs[2 * 16 + 2];
	size_t n, i = 0;
	char **argv;

	for (n = 0; cmd[n]; n++)
		;
	if (!(argv = calloc(n + 5, sizeof *argv)))
		die(EXIT_SETUP, "out of memory");
	argv[i++] = (char *)ct->init_exec;
	if (ct->init_is_ours) {
		/* Nothing ignored: a container starts with default actions,
		 * as under Docker. */
		snprintf(sigs, sizeof sigs, "%016llx:%016llx", ct->sigmask, 0ULL);
		argv[i++] = INIT_SIGNALS_OPTION;
		argv[i++] = sigs;
	}
	if (n) {
		argv[i++] = "--";
		memcpy(argv + i, cmd, n * sizeof *argv);
	}
	return argv;
}

void
plan_run(struct container *ct)
{
	char *const *cmd;
	const char *why;
	size_t i;
	int err;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		why = NULL;
		if ((int)i + 1 == ct->fail_step) {
			why = "MOCKER_FAIL_STEP";
			errno = EIO;
		} else if (steps[i].run(ct, &why) == 0) {
			continue;
		}
		if (why)
			die_errno(EXIT_SETUP, "cannot %s: %s", steps[i].name, why);
		die_errno(EXIT_SETUP, "cannot %s", steps[i].name);
	}

	cmd = default_command(ct);
	reset_ignored_signals(ct->ignored);
	report_to_launcher(ct);
	/* mocker-init takes every signal blocked, and the mask to give its
	 * payload as an option: a signal sent now waits for it. Any other
	 * program gets the caller's mask back here. */
	if (!ct->init_is_ours)
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &ct->sigmask, NULL, 8);
	if (!ct->init_exec) {
		exec_command(ct, cmd);
	} else {
		char **argv = init_argv(ct, cmd);
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
