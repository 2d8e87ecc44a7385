/*
 * The plan's steps that only an OCI config asks for (oci.h): each does
 * nothing for `mocker run`. Paths are the config's, resolved inside the
 * root through descriptors like every other path of the plan.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file.h"
#include "mountapi.h"
#include "oci.h"
#include "resolve.h"
#include "steps.h"

/* linux.sysctl, through the /proc we mounted: only those the kernel keeps
 * per network, IPC or UTS namespace, of namespaces the container has
 * (oci_spec.c checks), written from inside them. */
int
step_oci_sysctl(struct container *ct, const char **why)
{
	struct open_how how = { .flags = O_WRONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	const struct oci *o = ct->c->oci;
	char name[PATH_MAX];
	int i, fd;

	for (i = 0; o && i < o->nsysctl; i++) {
		size_t k;
		*why = o->sysctl[i][0];
		snprintf(name, sizeof name, "sys/%s", o->sysctl[i][0]);
		for (k = 4; name[k]; k++)
			if (name[k] == '.')
				name[k] = '/';
		if ((fd = (int)syscall(SYS_openat2, ct->procfd, name, &how, sizeof how)) < 0)
			return -1;
		if (write_all(fd, o->sysctl[i][1], strlen(o->sysctl[i][1])) < 0) {
			close_keep_errno(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* linux.devices: made in our /dev, each then bound over itself without the
 * tmpfs's nodev, as the plan's own nodes are (the devices cgroup, where
 * the config gives its rules, says which may be used). */
int
step_oci_devices(struct container *ct, const char **why)
{
	const struct oci *o = ct->c->oci;
	int i;

	for (i = 0; o && i < o->ndevices; i++) {
		const struct oci_device *d = &o->devices[i];
		const char *name = d->path + 5, *slash = strrchr(name, '/');
		mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
		int dir = ct->devfd, node, fd;
		*why = d->path;
		if (slash) { /* its directory, made in our /dev */
			char parent[PATH_MAX];
			snprintf(parent, sizeof parent, "/dev/%.*s", (int)(slash - name), name);
			if ((dir = open_in_root(ct->rootfd, parent, WANT_DIR, 1)) < 0)
				return -1;
			name = slash + 1;
		}
		fd = mknodat(dir, name, type | (d->mode & 07777), makedev(d->major, d->minor));
		if (fd < 0 && errno == EEXIST) { /* one of the plan's own nodes */
			if (dir != ct->devfd)
				close(dir);
			continue;
		}
		if (fd == 0 && (fd = open_beneath(dir, name, O_PATH | O_NOFOLLOW)) >= 0) {
			char self[32];
			if (fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0 ||
			    chmod(fd_path(fd, self), d->mode & 07777) < 0) {
				close_keep_errno(fd);
				fd = -1;
			} else if (type != S_IFIFO) {
				node = device_bind_at(fd, fd);
				close_keep_errno(fd);
				fd = node;
			}
		}
		if (dir != ct->devfd)
			close_keep_errno(dir);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

/* Copies the directory from into the directory to (both real directory
 * descriptors, closed here): what tmpcopyup asks, the image's files at a
 * tmpfs's mount point copied onto it. Only files, directories and links,
 * none followed; owners and modes kept; 16 levels deep at most. */
static int
copy_tree(int from, int to, int depth)
{
	DIR *d = fdopendir(from);
	struct dirent *e;
	struct stat st;
	int ret = 0;

	if (!d) {
		close(from);
		close(to);
		return -1;
	}
	while (ret == 0 && (e = readdir(d))) {
		int sfd, dfd;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = -1;
			break;
		}
		if (S_ISDIR(st.st_mode) && depth < 16) {
			if (mkdirat(to, e->d_name, st.st_mode & 07777) < 0 ||
			    (sfd = openat(from, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                  O_CLOEXEC)) < 0)
				ret = -1;
			else if ((dfd = openat(to, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                       O_CLOEXEC)) < 0)
				ret = -1, close(sfd);
			else
				ret = copy_tree(sfd, dfd, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			char buf[65536];
			ssize_t n = 0;
			sfd = openat(from, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			dfd = sfd < 0 ? -1 : openat(to, e->d_name, O_WRONLY | O_CREAT | O_EXCL |
			                            O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
			while (dfd >= 0 && (n = read(sfd, buf, sizeof buf)) > 0)
				if (write_all(dfd, buf, (size_t)n) < 0) {
					n = -1;
					break;
				}
			if (sfd < 0 || dfd < 0 || n < 0)
				ret = -1;
			if (sfd >= 0)
				close(sfd);
			if (dfd >= 0)
				close(dfd);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(from, e->d_name, target, sizeof target - 1);
			if (n < 0 || (target[n] = 0, symlinkat(target, to, e->d_name) < 0))
				ret = -1;
		} else {
			continue; /* devices, FIFOs, sockets: not copied */
		}
		if (ret == 0 && fchownat(to, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			ret = -1;
	}
	closedir(d);
	close(to);
	return ret;
}

/*
 * A "cgroup" mount: on a cgroup v2 host a cgroup2 filesystem (the
 * container's own cgroup as its root in a cgroup namespace); on a v1 or
 * hybrid host, as runc, a tmpfs with a directory for each of the host's
 * hierarchies, and in those where the launcher made the container's
 * cgroup (ct->cg: host paths it made, nothing read from the container's
 * side) that directory bound, nothing above it. The others stay empty
 * mount points (a config may bind something there, as Podman does).
 */
static int
mount_cgroups(const struct container *ct, int target, const struct oci_mount *m,
              const char **why)
{
	static const char *const tmpfs_opts[] = { "source=cgroup", "mode=755", NULL };
	const size_t root = sizeof "/sys/fs/cgroup/" - 1;
	struct statfs sfs;
	struct dirent *e;
	DIR *hosts;
	int fd, dir = -1, i;
	/* a v1 controller's files are root's to write: a container's root
	 * could raise its own memory limit. Read-only, unless it may
	 * administer the system anyway (CAP_SYS_ADMIN: privileged) */
	unsigned attr = m->attr | MA_NOSUID | MA_NODEV | MA_NOEXEC |
	                (ct->c->oci->caps[CAP_BOUNDING] & (1ULL << 21) ? 0 : MA_RDONLY);

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == 0x63677270 /* cgroup2 */)
		return mount_new_at("cgroup2", m->data, attr, target);
	*why = m->dest;
	if ((fd = mount_new_at("tmpfs", tmpfs_opts, m->attr & ~MA_RDONLY, target)) < 0)
		return -1;
	if ((dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !(hosts = opendir("/sys/fs/cgroup")))
		goto fail;
	while ((e = readdir(hosts))) {
		char target_link[256];
		ssize_t n;
		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(hosts), e->d_name, target_link, sizeof target_link - 1);
		if (n > 0) { /* cpu -> cpu,cpuacct */
			target_link[n] = 0;
			if (!strchr(target_link, '/') && symlinkat(target_link, dir, e->d_name) < 0)
				break;
		} else if (e->d_type == DT_DIR && mkdirat(dir, e->d_name, 0755) < 0) {
			break;
		}
	}
	closedir(hosts);
	if (e)
		goto fail;
	for (i = 0; i < ct->cg.ndirs; i++) {
		const char *d = ct->cg.dirs[i], *slash;
		char name[256];
		int point, bound;
		if (strncmp(d, "/sys/fs/cgroup/", root) != 0 || !(slash = strchr(d + root, '/')) ||
		    (size_t)(slash - d - root) >= sizeof name)
			continue;
		memcpy(name, d + root, (size_t)(slash - d - root));
		name[slash - d - root] = 0;
		if ((point = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			goto fail;
		bound = bind_new_at(AT_FDCWD, d, point, attr, 0);
		close_keep_errno(point);
		if (bound < 0)
			goto fail;
		close(bound);
	}
	close(dir);
	if ((m->attr & MA_RDONLY) && tree_set(fd, MA_RDONLY, 0) < 0)
		goto fail_fd;
	return fd;
fail:
	if (dir >= 0)
		close_keep_errno(dir);
fail_fd:
	close_keep_errno(fd);
	return -1;
}

/* mounts[], in order: binds of host paths and new filesystems. */
int
step_oci_mounts(struct container *ct, const char **why)
{
	const struct oci *o = ct->c->oci;
	struct mount_attr_prop { unsigned long long set, clr, prop, userns; } a;
	struct stat st;
	int i, target, fd;

	for (i = 0; o && i < o->nmounts; i++) {
		const struct oci_mount *m = &o->mounts[i];
		int dir = 1;
		*why = m->dest;
		if (m->bind) {
			int src = open(m->source, O_PATH | O_CLOEXEC);
			if (src < 0) {
				*why = m->source;
				return -1;
			}
			dir = fstat(src, &st) == 0 && S_ISDIR(st.st_mode);
			target = open_in_root(ct->rootfd, m->dest, dir ? WANT_DIR : WANT_FILE, 1);
			/* nodev: a device works only as linux.devices gives it */
			fd = target < 0 ? -1 : bind_new_at(src, "", target, m->attr | MA_NODEV, m->rec);
			close_keep_errno(src);
		} else {
			int below = -1;
			target = open_in_root(ct->rootfd, m->dest, WANT_DIR, 1);
			if (target >= 0 && m->copy_up &&
			    (below = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
				close_keep_errno(target);
				return -1;
			}
			if (target < 0)
				fd = -1;
			else if (strcmp(m->type, "cgroup") == 0)
				fd = mount_cgroups(ct, target, m, why);
			else
				fd = mount_new_at(m->type, m->data, m->attr, target);
			if (below >= 0) {
				int top = fd < 0 ? -1 : openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (top < 0 || copy_tree(below, top, 0) < 0) {
					if (top < 0)
						close_keep_errno(below);
					*why = "tmpcopyup";
					close_keep_errno(target);
					if (fd >= 0)
						close_keep_errno(fd);
					return -1;
				}
			}
		}
		if (target >= 0)
			close_keep_errno(target);
		if (fd < 0)
			return -1;
		memset(&a, 0, sizeof a);
		a.prop = m->propagation;
		if (m->propagation &&
		    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (m->rec ? AT_RECURSIVE : 0),
		            &a, sizeof a) < 0) {
			close_keep_errno(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* A path of the container (anything: /proc's, /sys's, the image's), found
 * inside the root; ENOENT when it is not there. */
static int
open_any(int rootfd, const char *path, struct stat *st)
{
	int fd = open_in_root(rootfd, path, WANT_DIR, 0);

	if (fd < 0 && errno == ENOTDIR)
		fd = open_in_root(rootfd, path, WANT_FILE, 0);
	if (fd >= 0 && fstat(fd, st) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

/* linux.maskedPaths (an empty read-only tmpfs over a directory, the null
 * node over anything else) and linux.readonlyPaths (bound read-only over
 * themselves); a path the container does not have is skipped, as runc. */
int
step_oci_masks(struct container *ct, const char **why)
{
	static const char *const empty[] = { "size=0", "mode=555", NULL };
	const struct oci *o = ct->c->oci;
	unsigned ro = MA_RDONLY | MA_NOSUID | MA_NODEV | MA_NOEXEC;
	struct stat st;
	int i, target, fd, null;

	if (!o)
		return 0;
	*why = "/dev/null";
	if ((null = open_beneath(ct->devfd, "null", 0)) < 0)
		return -1;
	for (i = 0; i < o->nmasked + o->nreadonly; i++) {
		int masked = i < o->nmasked;
		*why = masked ? o->masked[i] : o->readonly[i - o->nmasked];
		if ((target = open_any(ct->rootfd, *why, &st)) < 0) {
			if (errno == ENOENT || errno == ELOOP)
				continue;
			close_keep_errno(null);
			return -1;
		}
		fd = !masked ? bind_new_at(target, "", target, MA_RDONLY, 1) :
		     S_ISDIR(st.st_mode) ? mount_new_at("tmpfs", empty, ro, target) :
		     bind_new_at(null, "", target, MA_RDONLY, 0);
		close_keep_errno(target);
		if (fd < 0) {
			close_keep_errno(null);
			return -1;
		}
		close(fd);
	}
	close(null);
	return 0;
}

/* linux.rootfsPropagation, on the new root once it is "/" (slave, as the
 * plan made it, when not given). */
int
step_oci_propagation(struct container *ct, const char **why)
{
	const struct oci *o = ct->c->oci;

	if (!o || !o->propagation)
		return 0;
	return mount(NULL, "/", NULL, o->propagation | MS_REC, NULL);
}

/* process.user.umask, 0022 when not given (as runc). */
int
step_oci_umask(struct container *ct, const char **why)
{
	const struct oci *o = ct->c->oci;

	if (o)
		umask((mode_t)(o->umask >= 0 ? o->umask : 022));
	return 0;
}

/*
 * OCI create: the container is made, its process waits here for `start`
 * (exec --detach: it goes on at once).
 * The launcher is told (and exits: the container's lifetime is its
 * caller's from now on, so the parent-death signal goes), then the
 * process blocks reading the state directory's exec FIFO, open read-write
 * (a reader and a writer: it blocks until start writes, and start finds
 * no reader once this process is gone).
 */
int
step_wait_for_start(struct container *ct, const char **why)
{
	char b = 'c';
	ssize_t n;

	if (ct->start_fd < 0 && !ct->hand_off)
		return 0;
	*why = "tell the launcher";
	if (prctl(PR_SET_PDEATHSIG, 0) < 0 || send(ct->sync_fd, &b, 1, MSG_NOSIGNAL) != 1)
		return -1;
	ct->handed_off = 1;
	close(ct->sync_fd);
	ct->sync_fd = -1;
	if (ct->start_fd < 0) /* exec --detach: on at once */
		return 0;
	*why = "read the exec FIFO";
	do
		n = read(ct->start_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -1;
	close(ct->start_fd);
	ct->start_fd = -1;
	return 0;
}

/* linux.namespaces given by path (opened and checked on the host): the
 * PID one was joined by the launcher (our children are born there), the
 * network one by step_join_netns; the others here, the mount namespace
 * before anything is mounted. */
int
step_oci_join(struct container *ct, const char **why)
{
	const struct oci *o = ct->c->oci;
	int j;

	for (j = 0; o && j < o->njoin; j++) {
		if (ct->join_fds[j] < 0)
			continue;
		*why = o->join[j].path;
		if (o->join[j].type != CLONE_NEWPID && setns(ct->join_fds[j], (int)o->join[j].type) < 0)
			return -1;
		close(ct->join_fds[j]);
		ct->join_fds[j] = -1;
	}
	return 0;
}
