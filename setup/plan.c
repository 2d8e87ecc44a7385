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
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "mocker.h"
#include "steps.h"

/* Which ways in take a step: run (and run -d) makes the container's
 * namespaces and root; exec joins them instead. Both take every step that
 * makes the process: the same identity, limits, filter and capabilities
 * as the container's own, in the same order. */
enum { RUN = 1, EXEC = 2, BOTH = RUN | EXEC };

static step_fn step_find_command;

/* The plan: one ordered list for every way in. */
static const struct step {
	const char *name;
	step_fn *run;
	int ways;
} steps[] = {
	{ "set the parent-death signal",                step_die_with_parent,      BOTH },
	{ "leave the caller's terminal",                step_leave_terminal,       BOTH },
	{ "join the network namespace",                 step_join_netns,           RUN },
	{ "join the config's namespaces",               step_oci_join,             RUN },
	{ "close inherited descriptors",                step_close_inherited_fds,  BOTH },
	{ "wait for the launcher",                      step_wait_for_launcher,    BOTH },
	{ "become non-dumpable",                        step_not_dumpable,         BOTH },
	{ "join the container's namespaces",            step_join_namespaces,      EXEC },
	{ "become root in the user namespace",          step_userns_root,          BOTH },
	{ "join a new session keyring",                 step_new_keyring,          BOTH },
	{ "make a cgroup namespace",                    step_cgroup_ns,            RUN },
	{ "make the mount tree a slave",                step_mount_tree_slave,     RUN },
	{ "mount the root filesystem",                  step_mount_root,           RUN },
	{ "mount /proc",                                step_mount_proc,           RUN },
	{ "apply the config's sysctls",                 step_oci_sysctl,           RUN },
	{ "make /dev",                                  step_make_dev,             RUN },
	{ "make the config's devices",                  step_oci_devices,          RUN },
	{ "mount /sys",                                 step_mount_sys,            RUN },
	{ "open a terminal",                            step_open_terminal,        BOTH },
	{ "mask /proc and /sys paths",                  step_mount_masks,          RUN },
	{ "mount a volume",                             step_mount_volumes,        RUN },
	{ "mount a tmpfs",                              step_mount_tmpfs,          RUN },
	{ "mount the config's mounts",                  step_oci_mounts,           RUN },
	{ "mask the config's paths",                    step_oci_masks,            RUN },
	{ "write /etc/hosts, hostname and resolv.conf", step_etc_files,            RUN },
	{ "provide the init",                           step_provide_init,         RUN },
	{ "set the hostname",                           step_hostname,             RUN },
	{ "bring up loopback",                          step_loopback,             RUN },
	{ "configure its network",                      step_configure_net,        RUN },
	{ "make the working directory",                 step_make_workdir,         RUN },
	{ "make the root read-only",                    step_root_readonly,        RUN },
	{ "look up the user",                           step_user_lookup,          BOTH },
	{ "give :U volumes to the user",                step_chown_volumes,        RUN },
	{ "pivot into the root",                        step_pivot,                RUN },
	{ "set the root's propagation",                 step_oci_propagation,      RUN },
	{ "change to the working directory",            step_workdir,              BOTH },
	{ "build the environment",                      step_env,                  BOTH },
	{ "set the umask",                              step_oci_umask,            BOTH },
	{ "find the command",                           step_find_command,         BOTH },
	{ "set resource limits",                        step_ulimits,              BOTH },
	/* The filter goes on while we are still root with every capability:
	 * without no_new_privs, loading it needs CAP_SYS_ADMIN. What follows
	 * (setresuid, capset, prctl, close_range, execve) it allows. */
	{ "set no_new_privs",                           step_no_new_privs,         BOTH },
	{ "load the seccomp filter",                    step_seccomp,              BOTH },
	{ "limit the bounding set",                     step_bounding_caps,        BOTH },
	{ "switch user",                                step_user,                 BOTH },
	{ "set capabilities",                           step_caps,                 BOTH },
	{ "close descriptors",                          step_close_fds,            BOTH },
	/* OCI create: everything that can fail is done, and create can say
	 * so; only the filter and the init's exec wait for start */
	{ "wait for start",                             step_wait_for_start,       BOTH },
	{ "load the config's seccomp filter",           step_seccomp_late,         BOTH },
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

/* No COMMAND: an appliance image (one with a services directory) runs its
 * services under its init; anything else gets a shell. */
static char *const *
default_command(struct container *ct)
{
	static char *const sh[] = { "/bin/sh", NULL }, *const none[] = { NULL };

	if (ct->c->argv)
		return ct->c->argv;
	if (ct->init_mode != INIT_COMMAND && access(SERVICES_DIR, F_OK) == 0)
		return none;
	return sh;
}

/* Whether the init will find the command, looked up as it will look (the
 * environment's PATH), so that a missing one is told before the container
 * counts as started (run -d's status, as runc does): 127 not found, 126
 * not a file it can execute. Only where the init is known to exec the
 * command itself: ours, --init's, --no-init's; an image's own /sbin/init
 * may take it for something else. */
static int
step_find_command(struct container *ct, const char **why)
{
	char *const *cmd = default_command(ct);
	const char *path = DEFAULT_PATH, *p, *end;
	char full[PATH_MAX];
	struct stat st;
	size_t i;

	if (!cmd[0] || (ct->init_mode == INIT_IMAGE && !ct->image_init_ours))
		return 0;
	if (strchr(cmd[0], '/')) {
		if (stat(cmd[0], &st) < 0 && errno == ENOENT)
			die(EXIT_NOTFOUND, "%s: no such file or directory", cmd[0]);
		if (stat(cmd[0], &st) == 0 && (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)))
			die(EXIT_NOEXEC, "%s: permission denied", cmd[0]);
		return 0; /* anything else: the init's to tell */
	}
	for (i = 0; ct->envp && ct->envp[i]; i++)
		if (strncmp(ct->envp[i], "PATH=", 5) == 0)
			path = ct->envp[i] + 5;
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		if (end == p) /* an empty entry: the working directory */
			snprintf(full, sizeof full, "./%s", cmd[0]);
		else
			snprintf(full, sizeof full, "%.*s/%s", (int)(end - p), p, cmd[0]);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 0;
		if (!*end)
			break;
	}
	die(EXIT_NOTFOUND, "%s: command not found", cmd[0]);
}

/* Is the program that stays PID 1 a mocker-init (that takes the signal
 * handshake and our stop settings)? */
static int
final_is_mocker_init(const struct container *ct)
{
	if (!ct->init_memfd_ours)
		return 0;
	return ct->init_mode == INIT_DIRECT ||
	       (ct->init_mode == INIT_IMAGE && ct->image_init_ours);
}

/* Tells the launcher how to pass signals on; the socket closes at exec. */
static void
report_to_launcher(struct container *ct)
{
	char r = final_is_mocker_init(ct) ?
	         (ct->no_signal_hold ? REPORT_MOCKER_INIT_NO_HOLD : REPORT_HANDSHAKE) :
	         ct->init_mode != INIT_DIRECT ? REPORT_PROBE_AFTER_INIT : REPORT_PROBE;

	if (ct->sync_fd >= 0 && write(ct->sync_fd, &r, 1) != 1) {
		/* the launcher is gone: the parent-death signal ends us */
	}
}

/* "--launcher-signals MASK:0" into argv at *i. Nothing ignored: a
 * container starts with default actions, as under Docker. */
static void
add_signals(char **argv, size_t *i, char *buf, unsigned long long mask)
{
	snprintf(buf, 2 * 16 + 2, "%016llx:%016llx", mask, 0ULL);
	argv[(*i)++] = INIT_SIGNALS_OPTION;
	argv[(*i)++] = buf;
}

/* The stop settings for a mocker-init that stays PID 1, as its options
 * (nothing of them reaches the payload's environment): the grace period
 * is the stop timeout, the restart policy, and the stop signal it passes
 * on for the SIGTERM mocker sends it on a stop (-r TERM:SIG). */
static void
add_init_settings(const struct container *ct, char **argv, size_t *i)
{
	static char grace[24], rewrite[32];
	const struct config *c = ct->c;

	snprintf(grace, sizeof grace, "%d", c->stop_timeout < 0 ? 100000000 : c->stop_timeout);
	argv[(*i)++] = "-t";
	argv[(*i)++] = grace;
	if (c->restart) {
		argv[(*i)++] = "-R";
		argv[(*i)++] = (char *)c->restart;
	}
	if (c->stop_signal != SIGTERM) {
		snprintf(rewrite, sizeof rewrite, "TERM:%d", c->stop_signal);
		argv[(*i)++] = "-r";
		argv[(*i)++] = rewrite;
	}
}

/*
 * What our copy of the init is given:
 *   direct   INIT --launcher-signals MASK:0 [-- CMD...]    (any --init: INIT [-- CMD...])
 *   image    mocker-init --launcher-signals HOLD:0 -x -- /sbin/init
 *                [--launcher-signals MASK:0] [-- CMD...]
 *   command  mocker-init --launcher-signals MASK:0 -x -- CMD...
 * HOLD keeps every signal blocked for an image init that is mocker-init,
 * and is the caller's mask for any other.
 */
static char **
init_argv(struct container *ct, char *const *cmd)
{
	static char outer[2 * 16 + 2], inner[2 * 16 + 2];
	int handshake = !ct->no_signal_hold && ct->init_memfd_ours;
	size_t n, i = 0;
	char **argv;

	for (n = 0; cmd[n]; n++)
		;
	if (!(argv = calloc(n + 20, sizeof *argv)))
		die(EXIT_SETUP, "out of memory");
	if (ct->init_mode == INIT_DIRECT) {
		argv[i++] = (char *)ct->init_argv0;
		if (handshake)
			add_signals(argv, &i, outer, ct->sigmask);
		if (ct->init_memfd_ours)
			add_init_settings(ct, argv, &i);
	} else {
		argv[i++] = "mocker-init";
		add_signals(argv, &i, outer, ct->init_mode == INIT_IMAGE &&
		            ct->image_init_ours && handshake ? ~0ULL : ct->sigmask);
		argv[i++] = "-x";
		argv[i++] = "--";
		if (ct->init_mode == INIT_IMAGE) {
			argv[i++] = IMAGE_INIT;
			if (ct->image_init_ours) {
				add_signals(argv, &i, inner, ct->sigmask);
				add_init_settings(ct, argv, &i);
			} else if (ct->c->restart) {
				warnx_("--restart is not applied: the image's %s is not mocker-init",
				       IMAGE_INIT);
			}
		}
	}
	if (n) {
		if (ct->init_mode != INIT_COMMAND)
			argv[i++] = "--";
		memcpy(argv + i, cmd, n * sizeof *argv);
	}
	return argv;
}

void
plan_run(struct container *ct)
{
	int way = ct->exec ? EXEC : RUN, k = 0;
	size_t i;
	char *const *cmd;
	char **argv;
	const char *why;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (!(steps[i].ways & way))
			continue;
		note("%s", steps[i].name); /* --verbose */
		why = NULL;
		if (++k == ct->fail_step) { /* counted along this way's steps */
			why = "MOCKER_FAIL_STEP";
			errno = EIO;
		} else if (steps[i].run(ct, &why) == 0) {
			continue;
		}
		/* errno 0: why says it all */
		if (why && errno == 0)
			die(EXIT_SETUP, "cannot %s: %s", steps[i].name, why);
		if (why)
			die_errno(EXIT_SETUP, "cannot %s: %s", steps[i].name, why);
		die_errno(EXIT_SETUP, "cannot %s", steps[i].name);
	}

	cmd = default_command(ct);
	argv = init_argv(ct, cmd);
	reset_ignored_signals(ct->ignored);
	report_to_launcher(ct);
	/* Our init takes every signal blocked, and the mask to give its payload
	 * as an option: a signal sent now waits for it. Any other init gets the
	 * caller's mask back here. */
	if (!ct->init_memfd_ours || ct->no_signal_hold)
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &ct->sigmask, NULL, 8);
	/* the sealed copy, through its descriptor: never a file of the image */
	syscall(SYS_execveat, ct->init_memfd, "", argv, ct->envp, AT_EMPTY_PATH);
	die_errno(EXIT_NOEXEC, "cannot execute the init (%s)", argv[0]);
}
