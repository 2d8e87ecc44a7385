/*
 * mocker: the host launcher. `mocker run ROOTFS [COMMAND...]` starts
 * COMMAND in ROOTFS with its own PID, mount, UTS, IPC, network and cgroup
 * namespaces, pivot_root'ed into the image, with mocker-init as PID 1.
 *
 * Exit status:
 *   N     the container's (its PID 1's) exit status, 128+N for signal N
 *   125   mocker failed: bad input, or a setup step (one line says which)
 *   126   the command cannot be executed
 *   127   the command was not found
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "about.h"
#include "caps.h"
#include "cgroup.h"
#include "config.h"
#include "container.h"
#include "chown.h"
#include "file.h"
#include "initfd.h"
#include "hostname.h"
#include "log.h"
#include "run.h"
#include "terminal.h"
#include "seccomp_filter.h"

#ifndef MOCKER_INIT_PATH
#define MOCKER_INIT_PATH "/usr/local/bin/mocker-init"
#endif

static const char usage[] =
"usage: mocker run [OPTION]... ROOTFS [COMMAND [ARG]...]\n"
"       mocker --help | --version\n"
"See mocker run --help, and mocker(1). MIT license.\n";

/* A short hostname from the image directory: .../images/busybox/rootfs
 * gives "busybox", /srv/web gives "web". */
static void
default_hostname(struct container *ct)
{
	char path[PATH_MAX], *base, *out = ct->hostname;
	size_t n = 0;

	snprintf(path, sizeof path, "%s", ct->rootfs);
	base = basename(path);
	if (strcmp(base, "rootfs") == 0 || strcmp(base, "root") == 0) {
		base[-1] = 0; /* realpath: there is a '/' before it */
		base = basename(path);
	}
	for (; *base && n < 63; base++) {
		char c = *base;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (ok || (n > 0 && out[n - 1] != '-'))
			out[n++] = ok ? c : '-';
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = 0;
	if (!hostname_valid(out))
		strcpy(out, "mocker");
}

/* mocker-init next to this mocker (build/ or an installed bin/), else the
 * installed one. */
static void
find_host_init(struct container *ct)
{
	char self[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = 0;
		dir = dirname(self);
		snprintf(ct->init_host, sizeof ct->init_host, "%s/mocker-init", dir);
		if (access(ct->init_host, X_OK) == 0)
			return;
	}
	snprintf(ct->init_host, sizeof ct->init_host, "%s", MOCKER_INIT_PATH);
	if (access(ct->init_host, X_OK) != 0)
		ct->init_host[0] = 0;
}

/* What our caller made us ignore (SigIgn of /proc/self/status). */
static unsigned long long
ignored_signals(void)
{
	char buf[8192], *p;

	if (file_read(NULL, "/proc/self/status", buf, sizeof buf) <= 0)
		return 0;
	return (p = strstr(buf, "SigIgn:")) ? strtoull(p + 7, NULL, 16) : 0;
}

/* An OCI image layout (oci-layout and index.json, no /bin or /etc):
 * what make images and umoci write, not something to run as it is. */
static int
is_oci_layout(const char *dir)
{
	char path[PATH_MAX + 32];
	struct stat st;

	snprintf(path, sizeof path, "%s/oci-layout", dir);
	if (stat(path, &st) < 0)
		return 0;
	snprintf(path, sizeof path, "%s/etc", dir);
	return stat(path, &st) < 0;
}

/* Everything that can be checked on the host, before any namespace. */
static void
prepare(struct container *ct, const struct config *c)
{
	struct stat st;
	const char *env;
	int i;

	ct->c = c;
	ct->rootfd = ct->procfd = ct->sysfd = ct->devfd = ct->sync_fd = ct->init_memfd = -1;
	ct->root_idmapped = -1;
	for (i = 0; i < MAX_VOLUMES; i++)
		ct->volume_idmapped[i] = -1;
	if (!realpath(c->rootfs, ct->rootfs))
		die_errno(EXIT_SETUP, "rootfs '%s'", c->rootfs);
	if (stat(ct->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
		die(EXIT_SETUP, "rootfs '%s': a file, not a root filesystem directory; an image "
		    "archive must be unpacked first (umoci unpack, or tar -x of a root "
		    "filesystem)", c->rootfs);
	if (is_oci_layout(ct->rootfs))
		die(EXIT_SETUP, "rootfs '%s': an OCI image layout, not a root filesystem; unpack "
		    "it first: umoci unpack --image DIR:TAG BUNDLE, then run BUNDLE/rootfs",
		    c->rootfs);
	if (strcmp(ct->rootfs, "/") == 0)
		die(EXIT_SETUP, "rootfs '/': the host's root cannot be a container's");
	if (c->hostname)
		snprintf(ct->hostname, sizeof ct->hostname, "%s", c->hostname);
	else
		default_hostname(ct);
	for (i = 0; i < c->nvolumes; i++)
		if (stat(c->volumes[i].host, &st) < 0)
			die_errno(EXIT_SETUP, "volume source '%s'", c->volumes[i].host);
	if (c->init_path && access(c->init_path, X_OK) < 0)
		die_errno(EXIT_SETUP, "--init '%s'", c->init_path);
	if (c->overlay_upper && stat(c->overlay_upper, &st) == 0 && !S_ISDIR(st.st_mode))
		die(EXIT_SETUP, "--overlay '%s': not a directory", c->overlay_upper);
	find_host_init(ct);
	/* What PID 1 runs is a sealed copy of the init, made here on the host;
	 * our init also runs the image's own /sbin/init and --no-init's
	 * command (container.h). */
	if (c->init_path) {
		if ((ct->init_memfd = initfd_copy(c->init_path, &ct->init_memfd_ours)) < 0)
			die_errno(EXIT_SETUP, "--init '%s'", c->init_path);
	} else if (!*ct->init_host) {
		die(EXIT_SETUP, "mocker-init was not found next to mocker nor at %s "
		    "(make install, or --init PATH)", MOCKER_INIT_PATH);
	} else if ((ct->init_memfd = initfd_copy(ct->init_host, &ct->init_memfd_ours)) < 0) {
		die_errno(EXIT_SETUP, "cannot copy the init %s", ct->init_host);
	} else if (!ct->init_memfd_ours) {
		die(EXIT_SETUP, "%s is not a mocker-init of this version", ct->init_host);
	}

	ct->host_uid = getuid();
	ct->host_gid = getgid();
	ct->rootless = geteuid() != 0;
	ct->userns = ct->rootless || c->userns;
	ct->idmap = ct->userns && !ct->rootless;
	if (c->userns_keep_id && !ct->rootless)
		die(EXIT_SETUP, "--userns=keep-id: for rootless runs (as root, your uid is root's)");
	if (ct->userns)
		userns_plan(&ct->maps, ct->rootless, c->userns_keep_id, c->userns_base,
		            c->userns_size);
	/* :U with --userns: the paths become container root's first, so that
	 * it can give them on inside its namespace */
	for (i = 0; i < c->nvolumes && ct->idmap; i++)
		if (c->volumes[i].chown &&
		    chown_tree(c->volumes[i].host, ct->maps.base, ct->maps.base) < 0)
			die_errno(EXIT_SETUP, "--volume %s:%s:U", c->volumes[i].host,
			          c->volumes[i].dest);
	for (i = 0; i < c->nvolumes; i++)
		if (c->volumes[i].idmap && !ct->idmap)
			die(EXIT_SETUP, "--volume '%s:%s:idmap': %s", c->volumes[i].host,
			    c->volumes[i].dest, ct->rootless ?
			    "idmapped mounts need root (the kernel wants CAP_SYS_ADMIN over the "
			    "filesystem's user namespace): use :U, or files of your own" :
			    "idmap maps ids into a user namespace: it needs --userns");
	ct->last_cap = caps_last();
	ct->caps = caps_effective(c->cap_add, c->cap_drop, ct->last_cap);
	if ((ct->caps & (1ULL << 21 /* SYS_ADMIN */)) && !ct->userns)
		warnx_("CAP_SYS_ADMIN without --userns: the container can take the host over "
		       "(a cgroup v1 release_agent, /sys/kernel/uevent_helper...); add --userns");
	if (c->seccomp && seccomp_filter_for(ct->caps, &ct->seccomp) < 0)
		die_errno(EXIT_SETUP, "cannot make the seccomp filter");
	if (terminal_prepare(&ct->term, c->tty) < 0)
		die_errno(EXIT_SETUP, "cannot make pipes for the terminal");
	ct->ignored = ignored_signals();

	/* Socket activation: sockets passed to us go to the container. */
	if ((env = getenv("LISTEN_PID")) && atol(env) == (long)getpid() &&
	    (env = getenv("LISTEN_FDS")))
		ct->listen_fds = atoi(env) > 0 && atoi(env) < 1024 ? atoi(env) : 0;
	/* A test hook: fail setup step N as if its system call had. */
	if ((env = getenv("MOCKER_FAIL_STEP")))
		ct->fail_step = atoi(env);
	/* Another: signals forwarded at once and the init not told, so that
	 * a test can show what the handshake prevents. */
	ct->no_signal_hold = getenv("MOCKER_TEST_NO_SIGNAL_HOLD") != NULL;
}

static const unsigned long long all_signals = ~0ULL;

int
main(int argc, char **argv)
{
	static struct config cfg;
	static struct container ct;
	const char *why = NULL;
	int r;

	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_SETUP;
	}
	/* Signals wait until there is a container to pass them to, and nothing
	 * of ours (a cgroup) is left half made by one. An inherited SIG_IGN of
	 * SIGCHLD would have the kernel reap the container for us, with no
	 * status. */
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all_signals, &ct.sigmask, 8) < 0)
		die_errno(EXIT_SETUP, "cannot block signals");
	signal(SIGCHLD, SIG_DFL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		return about_version();
	}
	if (strcmp(argv[1], "run") != 0)
		die(EXIT_SETUP, "unknown command '%s' (usage: mocker run [OPTION]... ROOTFS "
		    "[COMMAND [ARG]...])", argv[1]);

	config_parse(&cfg, argc - 1, argv + 1);
	if (cfg.userns_keep_id && !cfg.user && getuid() != 0) {
		/* keep-id: the caller inside, as the caller's own ids */
		static char me[48];
		snprintf(me, sizeof me, "%u:%u", (unsigned)getuid(), (unsigned)getgid());
		cfg.user = me;
	}
	prepare(&ct, &cfg);

	note("make the container's cgroup");
	r = cgroup_create(&ct.cg, &cfg, &why);
	if (r < 0)
		die_errno(EXIT_SETUP, "cannot %s", why);
	if (r > 0 && (cfg.memory || cfg.pids_limit || cfg.cpu_quota_us))
		warnx_("cgroups are not available to this user: --memory, --pids-limit "
		       "and --cpus are ignored");
	note("start the cgroup's watcher");
	if (cgroup_guard(&ct.cg) < 0) {
		int err = errno;
		cgroup_remove(&ct.cg);
		errno = err;
		die_errno(EXIT_SETUP, "cannot start the cgroup watcher");
	}
	return run_container(&ct);
}
