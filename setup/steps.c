/*
 * The setup steps that concern the process: its parent, its descriptors,
 * its ids, capabilities, filters and environment. The file system's are in
 * steps_fs.c. Each runs in the container's first process, inside its new
 * namespaces, in the order plan.c gives.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "env.h"
#include "fdpass.h"
#include "file.h"
#include "log.h"
#include "mocker.h"
#include "net.h"
#include "oci.h"
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

	if (ct->handed_off) /* OCI: its caller's now (step_wait_for_start) */
		return 0;
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
	int fds[FDPASS_MAX], n, i, k = 0;
	char go = 0;

	if ((n = fdpass_recv(ct->sync_fd, &go, fds, FDPASS_MAX)) < 0 || (go != 'g' && go != 'G')) {
		if (n >= 0 || errno == 0) {
			*why = "the launcher is gone";
			errno = ESRCH;
		}
		return -1;
	}
	/* idmapped trees come in the order the launcher made them */
	if (ct->idmap && go == 'g' && k < n)
		ct->root_idmapped = fds[k++];
	for (i = 0; i < ct->c->nvolumes; i++)
		if (ct->idmap && ct->c->volumes[i].idmap && k < n)
			ct->volume_idmapped[i] = fds[k++];
	return 0;
}

/* mocker exec: the running container's namespaces (its user namespace
 * when it has one of its own), then its root, as the descriptors the next
 * steps work from (its /dev reached through no symbolic link). */
int
step_join_namespaces(struct container *ct, const char **why)
{
	struct stat mine, theirs;
	char path[64];
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	                        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS };

	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)ct->exec_pid);
	if (stat("/proc/self/ns/user", &mine) == 0 && stat(path, &theirs) == 0 &&
	    mine.st_ino != theirs.st_ino)
		flags |= CLONE_NEWUSER;
	*why = "setns";
	if (setns(ct->exec_pidfd, flags) < 0)
		return -1;
	close(ct->exec_pidfd);
	ct->exec_pidfd = -1;
	*why = "/";
	if ((ct->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	*why = "/dev";
	ct->devfd = (int)syscall(SYS_openat2, ct->rootfd, "/dev", &how, sizeof how);
	return ct->devfd < 0 ? -1 : 0;
}

/* A clone of mocker inside the container's namespaces: nothing there may
 * ptrace it or open its /proc files (its memory, its executable: the
 * host's mocker) until it has become the container's init. Not before the
 * launcher has written our user namespace's maps through those files. */
int
step_not_dumpable(struct container *ct, const char **why)
{
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
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

/* A session keyring of its own, as runc does: the caller's keys (its
 * session keyring, inherited over fork) are not the container's to read. */
int
step_new_keyring(struct container *ct, const char **why)
{
	if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) >= 0)
		return 0;
	return errno == ENOSYS ? 0 : -1; /* a kernel without keys: nothing to share */
}

int
step_cgroup_ns(struct container *ct, const char **why)
{
	/* After the launcher moved us into our cgroup: it is our root now. */
	if (ct->c->oci && !(ct->c->oci->ns_new & CLONE_NEWCGROUP))
		return 0; /* the caller's, or one joined by path */
	return unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL ? -1 : 0;
}

/* The container never gets the caller's terminal (terminal.h): a session
 * of its own, pipes in place of std descriptors that are terminals. Before
 * the inherited descriptors are closed: the pipes are among them. */
int
step_leave_terminal(struct container *ct, const char **why)
{
	return terminal_child_stdio(&ct->term);
}

/* A new pty of the container's own devpts, when it gets one. */
int
step_open_terminal(struct container *ct, const char **why)
{
	return terminal_child_pty(&ct->term, ct->devfd, ct->sync_fd, why);
}

int
step_hostname(struct container *ct, const char **why)
{
	*why = ct->hostname;
	if (ct->c->oci && ct->c->oci->domainname &&
	    setdomainname(ct->c->oci->domainname, strlen(ct->c->oci->domainname)) < 0) {
		*why = ct->c->oci->domainname;
		return -1;
	}
	if (ct->c->oci && !ct->hostname[0]) /* none given: the UTS namespace's own */
		return 0;
	return sethostname(ct->hostname, strlen(ct->hostname));
}

int
step_loopback(struct container *ct, const char **why)
{
	return ct->c->net == NET_NONE || ct->c->net == NET_PRIVATE ? net_loopback_up() : 0;
}

/* --net private as root: its end of the veth pair (bridge.h) */
int
step_configure_net(struct container *ct, const char **why)
{
	uint32_t gw;

	if (!ct->lease.ip)
		return 0;
	*why = "eth0";
	inet_pton(AF_INET, BRIDGE_GW, &gw);
	return net_configure(ct->lease.ip, BRIDGE_PREFIX, gw);
}

/* --net ns:PATH (opened and checked on the host) */
int
step_join_netns(struct container *ct, const char **why)
{
	int r;

	if (ct->netns_fd < 0)
		return 0;
	*why = ct->c->net_ns;
	r = setns(ct->netns_fd, CLONE_NEWNET);
	close_keep_errno(ct->netns_fd);
	ct->netns_fd = -1;
	return r;
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

/* --ulimit, while we may still raise a hard limit (CAP_SYS_RESOURCE). */
int
step_ulimits(struct container *ct, const char **why)
{
	int i;

	for (i = 0; i < ct->c->nulimits; i++) {
		const struct ulimit *u = &ct->c->ulimits[i];
		struct rlimit rl = { .rlim_cur = u->soft, .rlim_max = u->hard };
		if (setrlimit(u->resource, &rl) < 0) {
			*why = errno == EPERM ? "--ulimit: above the hard limit mocker was given "
			                        "(in a user namespace it cannot be raised)" : "--ulimit";
			return -1;
		}
	}
	return 0;
}

int
step_bounding_caps(struct container *ct, const char **why)
{
	return caps_limit_bounding(ct->c->oci ? ct->c->oci->caps[CAP_BOUNDING] : ct->caps,
	                           ct->last_cap);
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
	if (sys_setresgid(cr->gid) < 0 || sys_setresuid(cr->uid) < 0) {
		if (errno == EINVAL && ct->userns) {
			/* an id the user namespace does not map */
			static char msg[512];
			snprintf(msg, sizeof msg, "--user '%s' (uid %u, gid %u) is not mapped in "
			         "the user namespace%s", ct->c->user ? ct->c->user : "root",
			         (unsigned)cr->uid, (unsigned)cr->gid, ct->rootless ?
			         ": rootless, only your own id is, unless /etc/subuid and "
			         "/etc/subgid give you a range (see ROOTLESS in mocker(1))" : "");
			*why = msg;
			errno = 0;
		}
		return -1;
	}
	/* A change of credentials clears the parent-death signal: again. */
	return step_die_with_parent(ct, why);
}

int
step_caps(struct container *ct, const char **why)
{
	const struct oci *o = ct->c->oci;

	if (o)
		return caps_set_oci(o->caps[CAP_EFFECTIVE], o->caps[CAP_PERMITTED],
		                    o->caps[CAP_INHERITABLE], o->caps[CAP_AMBIENT]);
	return caps_set(ct->caps);
}

int
step_no_new_privs(struct container *ct, const char **why)
{
	return ct->c->no_new_privs ? prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) : 0;
}

/* An OCI config's filter with noNewPrivileges goes on last instead (as
 * runc): it need not allow what the setup still does. */
static int
seccomp_late(const struct container *ct)
{
	return ct->c->oci && ct->c->no_new_privs;
}

int
step_seccomp(struct container *ct, const char **why)
{
	return ct->c->seccomp && !seccomp_late(ct) ? seccomp_install(&ct->seccomp) : 0;
}

int
step_seccomp_late(struct container *ct, const char **why)
{
	return ct->c->seccomp && seccomp_late(ct) ? seccomp_install(&ct->seccomp) : 0;
}

/* close_range, or, where an OCI config's seccomp filter (loaded before,
 * without noNewPrivileges) does not allow it, close one by one up to the
 * descriptor limit. */
static int
close_from_to(unsigned first, unsigned last)
{
	struct rlimit rl;
	unsigned fd;

	if (syscall(SYS_close_range, first, last, 0) == 0)
		return 0;
	if (errno != EPERM && errno != ENOSYS)
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < last)
		last = rl.rlim_cur > 1U << 20 ? 1U << 20 : (unsigned)rl.rlim_cur;
	for (fd = first; fd <= last && fd < 1U << 20; fd++)
		close((int)fd);
	return 0;
}

/* Closes every descriptor from first on but a, b and c (-1: none). */
static int
close_all_but(unsigned first, int a, int b, int c)
{
	int keep[3] = { a, b, c }, i, j;

	for (i = 0; i < 3; i++) /* in order */
		for (j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				int t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (i = 0; i < 3; i++) {
		if (keep[i] < (int)first)
			continue;
		if ((unsigned)keep[i] > first &&
		    close_from_to(first, (unsigned)keep[i] - 1) < 0)
			return -1;
		first = (unsigned)keep[i] + 1;
	}
	return close_from_to(first, ~0U);
}

/* Only 0, 1, 2 and sockets passed for socket activation go in. Done first,
 * so that no inherited descriptor of a host directory can be reached during
 * the setup either (as /proc/self/fd/N in a --workdir: runc CVE-2024-21626).
 * The socket to the launcher and the init's sealed copy stay; both are
 * close-on-exec. */
int
step_close_inherited_fds(struct container *ct, const char **why)
{
	return close_all_but(3U + (unsigned)ct->listen_fds, ct->sync_fd, ct->init_memfd,
	                     ct->exec ? ct->exec_pidfd : ct->start_fd);
}

/* And again last: what the setup opened goes too. */
int
step_close_fds(struct container *ct, const char **why)
{
	return close_all_but(3U + (unsigned)ct->listen_fds, ct->sync_fd, ct->init_memfd,
	                     ct->start_fd);
}
