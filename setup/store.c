#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "store.h"
#include "tree_remove.h"

static char given[PATH_MAX];

void
store_set(const char *dir)
{
	snprintf(given, sizeof given, "%s", dir);
}

/* where it is when nothing says: root's, else the user's data directory */
static int
default_dir(char *out, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (getuid() == 0)
		return snprintf(out, size, "/var/lib/mocker") < 0 ? -1 : 0;
	if (xdg && xdg[0] == '/')
		return snprintf(out, size, "%s/mocker", xdg) < 0 ? -1 : 0;
	if ((!home || home[0] != '/') && (pw = getpwuid(getuid())))
		home = pw->pw_dir;
	if (!home || home[0] != '/') {
		errno = ENOENT;
		return -1;
	}
	return snprintf(out, size, "%s/.local/share/mocker", home) < 0 ? -1 : 0;
}

const char *
store_name(void)
{
	static char name[PATH_MAX];
	const char *env = getenv("MOCKER_STORAGE");

	if (given[0])
		return given;
	if (env && *env)
		return env;
	return default_dir(name, sizeof name) == 0 ? name : "the image store";
}

/* mkdir -p, the last one private */
static int
make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

const char *
store_dir(void)
{
	static const char *const subs[] = { "blobs", "blobs/sha256", "layers", "images", "names",
	                                    "containers", "tmp" };
	static char dir[PATH_MAX];
	const char *env = getenv("MOCKER_STORAGE");
	char sub[PATH_MAX + 32];
	size_t i;

	if (dir[0])
		return dir;
	if (given[0])
		snprintf(dir, sizeof dir, "%s", given);
	else if (env && *env)
		snprintf(dir, sizeof dir, "%s", env);
	else if (default_dir(dir, sizeof dir) < 0)
		goto fail;
	if (dir[0] != '/') { /* a relative one: from here, once */
		char cwd[PATH_MAX], rel[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			goto fail;
		snprintf(rel, sizeof rel, "%s", dir);
		if (snprintf(dir, sizeof dir, "%s/%s", cwd, rel) >= (int)sizeof dir) {
			errno = ENAMETOOLONG;
			goto fail;
		}
	}
	if (make_dirs(dir) < 0)
		goto fail;
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		snprintf(sub, sizeof sub, "%s/%s", dir, subs[i]);
		if (mkdir(sub, 0700) < 0 && errno != EEXIST)
			goto fail;
	}
	return dir;
fail:
	dir[0] = 0;
	return NULL;
}

int
store_lock(int how)
{
	char path[PATH_MAX + 8];
	const char *dir = store_dir();
	int fd;

	if (!dir)
		return -1;
	snprintf(path, sizeof path, "%s/lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	while (flock(fd, how) < 0) {
		if (errno != EINTR) {
			close_keep_errno(fd);
			return -1;
		}
	}
	return fd;
}

void
store_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

void
store_name_encode(const char *name, char *out, unsigned size)
{
	unsigned n = 0;

	for (; *name && n + 1 < size; name++)
		out[n++] = *name == '/' ? '+' : *name;
	out[n] = 0;
}

void
store_name_decode(const char *file, char *out, unsigned size)
{
	unsigned n = 0;

	for (; *file && n + 1 < size; file++)
		out[n++] = *file == '+' ? '/' : *file;
	out[n] = 0;
}

int
store_container_make(const char *cid, const char *image_id, const char *state_path,
                     char *out, unsigned size)
{
	static const char *const subs[] = { "upper", "work", "merged" };
	const char *dir = store_dir();
	char path[PATH_MAX + 96], text[PATH_MAX + 8];
	size_t i;

	if (!dir)
		return -1;
	snprintf(out, size, "%s/containers/%s", dir, cid);
	if (mkdir(out, 0700) < 0)
		return -1;
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", out, subs[i]);
		if (mkdir(path, i == 0 ? 0755 : 0700) < 0)
			goto fail;
	}
	snprintf(text, sizeof text, "%s\n", image_id);
	if (file_create(out, "image", text) < 0)
		goto fail;
	snprintf(text, sizeof text, "%s\n", state_path);
	if (file_create(out, "state", text) < 0)
		goto fail;
	return 0;
fail:
	store_container_remove(cid);
	return -1;
}

int
store_container_remove(const char *cid)
{
	const char *dir = store_dir();
	char path[PATH_MAX + 96];

	if (!dir || !cid[0] || strchr(cid, '/'))
		return -1;
	snprintf(path, sizeof path, "%s/containers/%s", dir, cid);
	return store_remove_path(path, cid);
}

void
store_containers_sweep(void (*used)(const char *image_id, void *ctx), void *ctx)
{
	const char *dir = store_dir();
	char path[PATH_MAX + 300], text[PATH_MAX + 8];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/containers", dir);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/containers/%s", dir, e->d_name);
		if (file_read(path, "state", text, sizeof text) > 0) {
			text[strcspn(text, "\n")] = 0;
			if (stat(text, &st) == 0) {
				if (used && file_read(path, "image", text, sizeof text) > 0) {
					text[strcspn(text, "\n")] = 0;
					used(text, ctx);
				}
				continue;
			}
		} else if (stat(path, &st) == 0 && st.st_mtime + 60 > time(NULL)) {
			continue; /* being made right now */
		}
		store_container_remove(e->d_name);
	}
	closedir(d);
}

int
store_remove_path(const char *path, const char *cid)
{
	const char *slash = strrchr(path, '/');
	int r;

	/* only what store_container_make made: .../containers/CID */
	if (!slash || strcmp(slash + 1, cid) != 0 || slash - path < 11 ||
	    strncmp(slash - 11, "/containers", 11) != 0) {
		errno = EINVAL;
		return -1;
	}
	r = tree_remove_path(path);
	if (r < 0 && geteuid() != 0)
		r = store_remove_mapped(path);
	return r;
}

void
store_clear_stale(void)
{
	const char *dir = store_dir();
	char path[PATH_MAX + 8];
	struct dirent *e;
	DIR *d;

	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/tmp", dir);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		const char *dash = strrchr(e->d_name, '-');
		long pid = dash ? strtol(dash + 1, NULL, 10) : 0;
		/* pull-PID, layer-HEX-PID, gone-HEX-PID of a process now gone */
		if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			tree_remove(dirfd(d), e->d_name);
	}
	closedir(d);
}
