/* The store's layers: unpacked once each, and what no image needs any more
 * thrown away (rmi, image prune). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "image.h"
#include "layer_unpack.h"
#include "log.h"
#include "store.h"
#include "tree_remove.h"

struct progress {
	int layer, of;
	const char *hex;
	uint64_t size, last;
};

static void
show_progress(void *ctx, uint64_t done)
{
	struct progress *p = ctx;

	if (done - p->last < (1 << 20) && done != p->size)
		return;
	p->last = done;
	dprintf(2, "\rmocker: unpacking layer %d/%d %.12s: %.1f of %.1f MB ", p->layer, p->of,
	        p->hex, (double)done / 1e6, (double)p->size / 1e6);
}

/* layers/HEX is there whole: its size is written last (another pull
 * may have put it there first) */
static int
layer_whole(const char *dir, const char *hex)
{
	char path[PATH_MAX + 96];
	struct stat st;

	snprintf(path, sizeof path, "%s/layers/%s/size", dir, hex);
	return stat(path, &st) == 0;
}

static int
unpack_one(const char *dir, const char *hex, int n, int of, int quiet, char *why, size_t size)
{
	char tmp[PATH_MAX + 128], path[PATH_MAX + 128], name[96], text[32];
	struct progress p = { .layer = n, .of = of, .hex = hex };
	struct unpack_opts o = { .rootless = geteuid() != 0 };
	struct unpack_result res;
	struct stat st;
	int blob, diff = -1, tmpdir, r;

	if (layer_whole(dir, hex))
		return 0; /* there already */
	snprintf(path, sizeof path, "%s/layers/%s", dir, hex);
	tree_remove_path(path); /* a removal that did not finish, if any */
	snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, hex);
	if ((blob = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		snprintf(why, size, "layer %.12s: its blob: %s", hex, strerror(errno));
		return -1;
	}
	if (fstat(blob, &st) == 0)
		p.size = (uint64_t)st.st_size;
	if (!quiet && isatty(2)) {
		o.progress = show_progress;
		o.ctx = &p;
	}
	snprintf(name, sizeof name, "layer-%s-%d", hex, (int)getpid());
	snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, name);
	tree_remove_path(tmp); /* one a killed unpack of our pid left */
	if (mkdir(tmp, 0700) < 0 || (tmpdir = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(why, size, "cannot make %s: %s", tmp, strerror(errno));
		close(blob);
		return -1;
	}
	if (mkdirat(tmpdir, "diff", 0755) == 0)
		diff = openat(tmpdir, "diff", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (diff < 0) {
		snprintf(why, size, "cannot make %s/diff: %s", tmp, strerror(errno));
		r = -1;
	} else {
		char what[400];
		r = layer_unpack(blob, hex, diff, &o, &res, what, sizeof what);
		if (r < 0)
			snprintf(why, size, "layer %.12s: %s", hex, what);
		if (r < 0 && res.bad_digest) {
			snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, hex);
			unlink(path); /* fetched again next time */
		}
		close(diff);
	}
	if (o.progress)
		dprintf(2, "\n");
	close(blob);
	if (r == 0) {
		snprintf(text, sizeof text, "%llu\n", (unsigned long long)res.bytes);
		snprintf(path, sizeof path, "%s/layers/%s", dir, hex);
		if (file_create(tmp, "size", text) < 0 ||
		    (rename(tmp, path) < 0 && !layer_whole(dir, hex))) {
			snprintf(why, size, "cannot keep layer %.12s: %s", hex, strerror(errno));
			r = -1;
		} else if (res.devices_left) {
			warnx_("layer %.12s: %u device nodes left out (rootless)", hex,
			       res.devices_left);
		}
	}
	close(tmpdir);
	tree_remove_path(tmp); /* failed, or another pull's won: ours goes */
	return r;
}

int
image_unpack(const struct image *img, int quiet, char *why, size_t size)
{
	const char *dir = store_dir();
	int i;

	if (!dir) {
		snprintf(why, size, "the image store %s: %s", store_name(), strerror(errno));
		return -1;
	}
	for (i = 0; i < img->nlayers; i++)
		if (unpack_one(dir, img->layers[i], i + 1, img->nlayers, quiet, why, size) < 0)
			return -1;
	return 0;
}

/* ---- what is used, and throwing the rest away ---- */

struct used {
	char (*ids)[65];
	int n, cap;
};

static void
add_used(const char *hex, void *ctx)
{
	struct used *u = ctx;
	int i;

	for (i = 0; i < u->n; i++)
		if (strcmp(u->ids[i], hex) == 0)
			return;
	if (u->n == u->cap) {
		void *p = realloc(u->ids, (size_t)(u->cap ? 2 * u->cap : 64) * sizeof *u->ids);
		if (!p)
			return;
		u->ids = p;
		u->cap = u->cap ? 2 * u->cap : 64;
	}
	snprintf(u->ids[u->n++], 65, "%s", hex);
}

static int
is_used(const struct used *u, const char *hex)
{
	int i;

	for (i = 0; i < u->n; i++)
		if (strcmp(u->ids[i], hex) == 0)
			return 1;
	return 0;
}

/* the blobs and layers of every image left */
static int
collect(const struct image *img, const char *names, void *ctx)
{
	int i;

	add_used(img->manifest, ctx);
	add_used(img->id, ctx);
	for (i = 0; i < img->nlayers; i++)
		add_used(img->layers[i], ctx);
	return 0;
}

/* removes from dir/sub what is not in keep; the bytes freed */
static uint64_t
drop_unused(const char *dir, const char *sub, const struct used *keep)
{
	char path[PATH_MAX + 32], text[32];
	struct dirent *e;
	struct stat st;
	uint64_t freed = 0;
	int fd;
	DIR *d;

	snprintf(path, sizeof path, "%s/%s", dir, sub);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || is_used(keep, e->d_name))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) { /* a layer: its files' size */
			char layer[PATH_MAX + 300];
			snprintf(layer, sizeof layer, "%s/%s", path, e->d_name);
			if (file_read(layer, "size", text, sizeof text) > 0)
				freed += strtoull(text, NULL, 10);
		} else {
			freed += (uint64_t)st.st_size;
		}
		if (S_ISDIR(st.st_mode)) {
			/* out of layers/ first: a removal that does not finish
			 * leaves no layer that looks whole */
			char gone[160];
			snprintf(gone, sizeof gone, "../tmp/gone-%.64s-%d", e->d_name, (int)getpid());
			if (renameat(dirfd(d), e->d_name, dirfd(d), gone) == 0)
				tree_remove(dirfd(d), gone);
			continue;
		}
		tree_remove(dirfd(d), e->d_name);
	}
	closedir(d);
	return freed;
}

/* Layers and blobs no image has; leftovers of pulls and unpacks that
 * were killed (we hold the store's lock: none is under way). */
static uint64_t
collect_garbage(const char *dir)
{
	struct used keep = { 0 }, none = { 0 };
	uint64_t freed;

	image_each(collect, &keep);
	freed = drop_unused(dir, "layers", &keep);
	freed += drop_unused(dir, "blobs/sha256", &keep);
	drop_unused(dir, "tmp", &none);
	free(keep.ids);
	return freed;
}

static void
unlink_names_of(const char *dir, const char *id)
{
	char path[PATH_MAX + 16], text[80];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof path, "%s/names", dir);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && file_read(path, e->d_name, text, sizeof text) >= 64 &&
		    strncmp(text, id, 64) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static int
count_names(const char *dir, const char *id)
{
	char path[PATH_MAX + 16], text[80];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof path, "%s/names", dir);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && file_read(path, e->d_name, text, sizeof text) >= 64 &&
		     strncmp(text, id, 64) == 0;
	closedir(d);
	return n;
}

static void
remove_image_file(const char *dir, const char *id)
{
	char path[PATH_MAX + 96];

	snprintf(path, sizeof path, "%s/images/%s", dir, id);
	unlink(path);
}

int
image_remove(const char *ref, int force, char *why, size_t size)
{
	const char *dir = store_dir();
	struct used in_use = { 0 };
	struct image *img = calloc(1, sizeof *img);
	int lock = -1, r = -1, found;

	if (!dir || !img) {
		snprintf(why, size, "the image store %s: %s", store_name(), strerror(errno));
		free(img);
		return -1;
	}
	if ((lock = store_lock(LOCK_EX)) < 0) {
		snprintf(why, size, "the image store %s: cannot lock it: %s", store_name(),
		         strerror(errno));
		goto out;
	}
	if ((found = image_find(ref, img, why, size)) != 0) {
		if (found > 0)
			snprintf(why, size, "no image '%s' in %s (mocker images lists them)", ref,
			         store_name());
		goto out;
	}
	store_containers_sweep(add_used, &in_use);
	if (img->name[0] && count_names(dir, img->id) > 1) {
		/* only this name goes: the image stays under its others */
		char file[512], path[PATH_MAX + 600];
		store_name_encode(img->name, file, sizeof file);
		snprintf(path, sizeof path, "%s/names/%s", dir, file);
		r = unlink(path) < 0 ? -1 : 0;
		if (r < 0)
			snprintf(why, size, "cannot remove the name %s: %s", img->name, strerror(errno));
		goto out;
	}
	if (is_used(&in_use, img->id) && !force) {
		snprintf(why, size, "image %s (%.12s) is used by a container: remove the container "
		         "first (mocker rm)", img->name[0] ? img->name : ref, img->id);
		r = 1;
		goto out;
	}
	unlink_names_of(dir, img->id);
	remove_image_file(dir, img->id);
	collect_garbage(dir);
	r = 0;
out:
	store_unlock(lock);
	free(in_use.ids);
	free(img);
	return r;
}

struct pruning {
	const struct used *in_use;
	int all;
	const char *dir;
	unsigned count;
};

static int
prune_one(const struct image *img, const char *names, void *ctx)
{
	struct pruning *p = ctx;

	if ((names[0] && !p->all) || is_used(p->in_use, img->id))
		return 0;
	unlink_names_of(p->dir, img->id);
	remove_image_file(p->dir, img->id);
	p->count++;
	return 0;
}

int
image_prune(int all, unsigned *count, uint64_t *bytes)
{
	const char *dir = store_dir();
	struct used in_use = { 0 };
	struct pruning p = { .in_use = &in_use, .all = all, .dir = dir };
	int lock;

	if (!dir || (lock = store_lock(LOCK_EX)) < 0)
		return -1;
	store_containers_sweep(add_used, &in_use);
	image_each(prune_one, &p);
	*bytes = collect_garbage(dir);
	*count = p.count;
	store_unlock(lock);
	free(in_use.ids);
	return 0;
}
