/*
 * The setup steps that concern the process: its parent, its descriptors,
 * its ids, capabilities, filters and environment. The file system's are in
 * steps_fs.c. Each runs in the container's first process, inside its new
 * namespaces, in the order plan.c gives.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "env.h"
#include "fds.h"
#include "log.h"
#include "mocker.h"
#include "net.h"
#include "seccomp_filter.h"
#include "steps.h"
#include "sys.h"

/* Die with our parent: the launcher holds the container's exit status and
 * its cgroup; a container without it would be left behind. The check after
 * prctl catches a parent that died before we asked. */
int
step_die_with_parent(struct container *ct, const char **why)
{
	struct pollfd p = { .fd = ct->sync_fd, .events = POLLIN };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return -1;
	/* The launcher keeps its end open until we exec: a hang-up with
	 * nothing to read means it is gone. */
	if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP) && !(p.revents & POLLIN)) {
		*why = "the launcher is gone";
		errno = ESRCH;
		return -1;
	}
	return 0;
}

/* The launcher says go once it has done its part on the host (cgroup, user
 * namespace maps); EOF means it died. */
int
step_wait_for_launcher(struct container *ct, const char **why)
{
	char go;
	ssize_t n;

	do
		n = read(ct->sync_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	if (n == 0) {
		*why = "the launcher is gone";
		errno = ESRCH;
	}
	return -1;
}

/* In a user namespace made by root (--userns), our ids are still the host's
 * root, unmapped there: become its root, the mapped range's first id. */
int
step_userns_root(struct container *ct, const char **why)
{
	if (!ct->userns)
		return 0;
	if (!ct->rootless && sys_setgroups(0, NULL) < 0)
		return -1;
	if (sys_setresgid(0) < 0 || sys_setresuid(0) < 0)
		return -1;
	return step_die_with_parent(ct, why); /* a change of ids clears it */
}

int
step_cgroup_ns(struct container *ct, const char **why)
{
	/* After the launcher moved us into our cgroup: it is our root now. */
	return unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL ? -1 : 0;
}

int
step_terminal(struct container *ct, const char **why)
{
	/* A process group of our own, which is the terminal's foreground when
	 * we had it: the init sees a terminal it can hand to its payload, and
	 * ^C reaches the container once, not through us as well. */
	if (setpgid(0, 0) < 0)
		return -1;
	if (ct->tty && tcsetpgrp(0, getpid()) < 0)
		note("cannot give the terminal to the container: %s", strerror(errno));
	return 0;
}

int
step_hostname(struct container *ct, const char **why)
{
	*why = ct->hostname;
	return sethostname(ct->hostname, strlen(ct->hostname));
}

int
step_loopback(struct container *ct, const char **why)
{
	return ct->c->net == NET_NONE ? net_loopback_up() : 0;
}

int
step_user_lookup(struct container *ct, const char **why)
{
	const char *spec = ct->c->user ? ct->c->user : "0";

	/* In the image's own /etc, now that it is our root. */
	if (creds_lookup(spec, PASSWD_FILE, GROUP_FILE, &ct->creds, why) == 0)
		return 0;
	errno = ENOENT;
	return -1;
}

int
step_workdir(struct container *ct, const char **why)
{
	const char *dir = ct->c->workdir ? ct->c->workdir : "/";
	char cwd[PATH_MAX];

	*why = dir;
	if (chdir(dir) < 0)
		return -1;
	/* Never a directory outside the root (runc CVE-2024-21626): the
	 * kernel marks such a cwd "(unreachable)". */
	if (!getcwd(cwd, sizeof cwd) || cwd[0] != '/') {
		errno = EPERM;
		*why = "working directory outside the container";
		return -1;
	}
	return 0;
}

int
step_env(struct container *ct, const char **why)
{
	if (!(ct->envp = env_build(ct))) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
step_bounding_caps(struct container *ct, const char **why)
{
	return caps_limit_bounding(ct->caps, ct->last_cap);
}

int
step_user(struct container *ct, const char **why)
{
	const struct creds *cr = &ct->creds;

	*why = ct->c->user ? ct->c->user : "root";
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
	return step_die_with_parent(ct, why);
}

int
step_caps(struct container *ct, const char **why)
{
	return caps_set(ct->caps, ct->creds.uid);
}

int
step_no_new_privs(struct container *ct, const char **why)
{
	return ct->c->no_new_privs ? prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) : 0;
}

int
step_seccomp(struct container *ct, const char **why)
{
	return ct->c->seccomp ? seccomp_install(&ct->seccomp) : 0;
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
 * the setup either (as /proc/self/fd/N in a --workdir: runc CVE-2024-21626).
 * The socket to the launcher is close-on-exec. */
int
step_close_inherited_fds(struct container *ct, const char **why)
{
	return close_fds_but(3U + (unsigned)ct->listen_fds, ct->sync_fd);
}

/* And again last: what the setup opened goes too, but for the init's own
 * descriptor and the socket to the launcher (both close-on-exec), which
 * come right after the sockets passed on. */
int
step_close_fds(struct container *ct, const char **why)
{
	unsigned first = 3U + (unsigned)ct->listen_fds;
	int fd;

	for (fd = (int)first; fd <= ct->sync_fd || fd <= ct->init_fd; fd++)
		if (fd != ct->sync_fd && fd != ct->init_fd)
			close(fd);
	return syscall(SYS_close_range, (unsigned)fd, ~0U, 0) < 0 ? -1 : 0;
}
