#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "file.h"
#include "layer_unpack.h"
#include "resolve.h"
#include "sha256.h"
#include "tree_remove.h"

#define WHITEOUT ".wh."
#define OPAQUE   ".wh..wh..opq"

/* What libarchive reads the blob through: it is hashed on the way. */
struct reader {
	int fd;
	struct sha256 sum;
	uint64_t done;
	const struct unpack_opts *o;
	char buf[1 << 16];
};

static la_ssize_t
read_blob(struct archive *a, void *ctx, const void **out)
{
	struct reader *r = ctx;
	ssize_t n;

	while ((n = read(r->fd, r->buf, sizeof r->buf)) < 0 && errno == EINTR)
		;
	if (n < 0) {
		archive_set_error(a, errno, "cannot read the layer");
		return -1;
	}
	sha256_add(&r->sum, r->buf, (size_t)n);
	r->done += (uint64_t)n;
	if (r->o->progress && n > 0)
		r->o->progress(r->o->ctx, r->done);
	*out = r->buf;
	return n;
}

/* name made relative and clean: "/a//./b/" -> "a/b"; -1 for a ".."
 * component. "" is the layer's root. */
static int
clean_name(const char *name, char *out, size_t size)
{
	size_t n = 0;
	const char *p = name, *end;

	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, "/");
		if (end - p == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (!(end - p == 1 && p[0] == '.')) {
			if (n + (size_t)(end - p) + 2 > size)
				return -1;
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, (size_t)(end - p));
			n += (size_t)(end - p);
		}
		p = end;
	}
	out[n] = 0;
	return 0;
}

/* The directory holding name (made if missing, resolved inside the
 * layer) and name's last component. */
static int
open_parent(int root, char *name, const char **base)
{
	char path[PATH_MAX + 2];
	char *slash = strrchr(name, '/');

	if (!slash) {
		*base = name;
		return open_in_root(root, "/", WANT_DIR, 0);
	}
	*base = slash + 1;
	snprintf(path, sizeof path, "/%.*s", (int)(slash - name), name);
	return open_in_root(root, path, WANT_DIR, 1);
}

/* The last regular file's directory, kept for the next one in the same
 * directory (a tar lists a directory's files together): a lookup less a
 * file. Forgotten at anything else, which could change what the path
 * leads to. */
static struct {
	char path[PATH_MAX];
	int fd;
} last = { "", -1 };

static void
forget_parent(void)
{
	if (last.fd >= 0)
		close(last.fd);
	last.fd = -1;
	last.path[0] = 0;
}

static int
file_parent(int root, char *name, const char **base)
{
	char *slash = strrchr(name, '/');
	size_t n = slash ? (size_t)(slash - name) : 0;

	if (last.fd >= 0 && strlen(last.path) == n && strncmp(last.path, name, n) == 0) {
		*base = slash ? slash + 1 : name;
		return last.fd;
	}
	forget_parent();
	if ((last.fd = open_parent(root, name, base)) >= 0 && n < sizeof last.path) {
		memcpy(last.path, name, n);
		last.path[n] = 0;
	} else if (last.fd >= 0) {
		int fd = last.fd;
		last.fd = -1;
		return fd; /* (too long to keep: the caller's) */
	}
	return last.fd;
}

/* The entry's data into fd, holes and all: size long. */
static int
copy_data(struct archive *a, int fd, la_int64_t size)
{
	const void *buf;
	size_t len;
	la_int64_t off, end = 0;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		if (len && pwrite(fd, buf, len, off) != (ssize_t)len)
			return -1;
		if (off + (la_int64_t)len > end)
			end = off + (la_int64_t)len;
	}
	if (r != ARCHIVE_EOF) {
		errno = EIO;
		return -1;
	}
	return end == size ? 0 : ftruncate(fd, size); /* a hole at the end */
}

static int
set_owner_mode_times(int parent, const char *base, int fd, struct archive_entry *e,
                     mode_t mode, const struct unpack_opts *o)
{
	struct timespec t[2];

	t[1].tv_sec = archive_entry_mtime(e);
	t[1].tv_nsec = archive_entry_mtime_nsec(e);
	t[0].tv_sec = archive_entry_atime_is_set(e) ? archive_entry_atime(e) : t[1].tv_sec;
	t[0].tv_nsec = archive_entry_atime_is_set(e) ? archive_entry_atime_nsec(e) : t[1].tv_nsec;
	if (!o->rootless &&
	    fchownat(fd >= 0 ? fd : parent, fd >= 0 ? "" : base, (uid_t)archive_entry_uid(e),
	             (gid_t)archive_entry_gid(e), fd >= 0 ? AT_EMPTY_PATH : AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (fd >= 0 && fchmod(fd, mode) < 0) /* (after chown: it drops setuid) */
		return -1;
	if (fd >= 0)
		return futimens(fd, t);
	return utimensat(parent, base, t, AT_SYMLINK_NOFOLLOW);
}

/* One entry of the layer. 0, or -1 with errno and *what. */
static int
apply_entry(struct archive *a, struct archive_entry *e, int root, const struct unpack_opts *o,
            struct unpack_result *res, const char **what)
{
	char name[PATH_MAX], target[PATH_MAX];
	const char *base, *hardlink = archive_entry_hardlink(e), *tbase;
	mode_t type = archive_entry_filetype(e), mode = archive_entry_perm(e) & 07777;
	int parent, fd = -1, tparent, ret = -1, cached = 0;
	struct stat st;

	*what = "a name with '..' in it";
	if (clean_name(archive_entry_pathname(e), name, sizeof name) < 0) {
		errno = EPERM;
		return -1;
	}
	if (!name[0])
		return 0; /* the layer's root itself: its directory is ours */
	*what = "its directory";
	if (type == AE_IFREG && !hardlink) {
		if ((parent = file_parent(root, name, &base)) < 0)
			return -1;
		if (parent == last.fd)
			cached = 1;
	} else {
		forget_parent();
		if ((parent = open_parent(root, name, &base)) < 0)
			return -1;
	}
	if (o->rootless)
		mode &= ~(mode_t)(S_ISUID | S_ISGID);

	*what = "a whiteout";
	if (strcmp(base, OPAQUE) == 0) {
		/* the directory hides what lower layers have in it */
		int dir = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ret = dir < 0 ? -1 : fsetxattr(dir, o->rootless ? "user.overlay.opaque" :
		                               "trusted.overlay.opaque", "y", 1, 0);
		if (dir >= 0)
			close_keep_errno(dir);
		goto out;
	}
	if (strncmp(base, WHITEOUT, sizeof WHITEOUT - 1) == 0) {
		const char *gone = base + sizeof WHITEOUT - 1;
		if (!gone[0] || strcmp(gone, ".") == 0 || strcmp(gone, "..") == 0) {
			errno = EINVAL;
			goto out;
		}
		if (tree_remove(parent, gone) == 0)
			ret = mknodat(parent, gone, S_IFCHR | 0, makedev(0, 0));
		goto out;
	}

	*what = "what was there";
	if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !(S_ISDIR(st.st_mode) && type == AE_IFDIR && !hardlink)) {
		if (S_ISDIR(st.st_mode) && cached) {
			/* a tree goes: no path is kept across that */
			last.fd = -1;
			last.path[0] = 0;
			cached = 0;
		}
		if (tree_remove(parent, base) < 0)
			goto out;
	}

	if (hardlink) {
		*what = "a hard link's target";
		if (clean_name(hardlink, target, sizeof target) < 0 || !target[0]) {
			errno = EPERM;
			goto out;
		}
		if ((tparent = open_parent(root, target, &tbase)) < 0)
			goto out;
		ret = linkat(tparent, tbase, parent, base, 0);
		close_keep_errno(tparent);
		goto out;
	}

	*what = "the entry";
	switch (type) {
	case AE_IFDIR:
		if (o->rootless)
			mode |= S_IRWXU; /* we still write in it */
		if ((mkdirat(parent, base, 0700) < 0 && errno != EEXIST) ||
		    (fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			goto out;
		ret = set_owner_mode_times(parent, base, fd, e, mode, o);
		break;
	case AE_IFREG:
		if ((fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		                 0600)) < 0)
			goto out;
		*what = "the file's data";
		if (copy_data(a, fd, archive_entry_size(e)) < 0)
			goto out;
		res->bytes += (uint64_t)archive_entry_size(e);
		ret = set_owner_mode_times(parent, base, fd, e, mode, o);
		break;
	case AE_IFLNK:
		if (symlinkat(archive_entry_symlink(e) ? archive_entry_symlink(e) : "", parent,
		              base) < 0)
			goto out;
		ret = set_owner_mode_times(parent, base, -1, e, mode, o);
		break;
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		if (o->rootless && type != AE_IFIFO) {
			res->devices_left++;
			ret = 0;
			break;
		}
		if (mknodat(parent, base, type | mode, (dev_t)archive_entry_rdev(e)) < 0 ||
		    (fd = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
			goto out;
		if (!o->rootless && fchownat(fd, "", (uid_t)archive_entry_uid(e),
		                             (gid_t)archive_entry_gid(e), AT_EMPTY_PATH) < 0)
			goto out;
		ret = fchmodat(parent, base, mode, 0); /* (not a symlink: just made) */
		break;
	default: /* sockets: nothing to unpack */
		ret = 0;
	}
out:
	if (fd >= 0)
		close_keep_errno(fd);
	if (!cached)
		close_keep_errno(parent);
	return ret;
}

int
layer_unpack(int blob, const char *want, int dirfd, const struct unpack_opts *o,
             struct unpack_result *res, char *why, size_t size)
{
	static struct reader r;
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const char *what = NULL;
	char got[65];
	int st, ret = -1;
	ssize_t n;

	memset(res, 0, sizeof *res);
	if (!a) {
		snprintf(why, size, "out of memory");
		return -1;
	}
	r.fd = blob;
	r.done = 0;
	r.o = o;
	sha256_init(&r.sum);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open(a, &r, NULL, read_blob, NULL) != ARCHIVE_OK) {
		snprintf(why, size, "not a tar (gzip, zstd or plain): %s", archive_error_string(a));
		goto out;
	}
	while ((st = archive_read_next_header(a, &e)) == ARCHIVE_OK || st == ARCHIVE_WARN) {
		if (apply_entry(a, e, dirfd, o, res, &what) < 0) {
			snprintf(why, size, "entry '%s': %s: %s", archive_entry_pathname(e), what,
			         strerror(errno));
			goto out;
		}
	}
	forget_parent();
	if (st != ARCHIVE_EOF) {
		snprintf(why, size, "a broken tar: %s", archive_error_string(a));
		goto out;
	}
	/* what follows the tar's end (padding) is part of the blob too */
	while ((n = read(blob, r.buf, sizeof r.buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sha256_add(&r.sum, r.buf, (size_t)n);
	sha256_hex(&r.sum, got);
	if (strcmp(got, want) != 0) {
		res->bad_digest = 1;
		snprintf(why, size, "its content is sha256:%.12s…, not the digest it is named by",
		         got);
		goto out;
	}
	ret = 0;
out:
	forget_parent();
	archive_read_free(a);
	return ret;
}
