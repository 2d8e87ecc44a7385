/*
 * Paths inside an untrusted root filesystem. Every lookup is made with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) from a descriptor of the
 * root, so a symlink in the image (/dev -> /tmp/x, /proc -> /) resolves
 * inside the image and can never lead a mount or a write to the host.
 */
#ifndef MOCKER_RESOLVE_H
#define MOCKER_RESOLVE_H

enum want { WANT_DIR, WANT_FILE };

/* An O_PATH descriptor of path (absolute, taken inside rootfd). When it is
 * missing and create is set, it is made (parents too) as a directory or an
 * empty file per want. -1 with errno; a symlink whose target is missing
 * gives ELOOP rather than a new file in an unexpected place. */
int open_in_root(int rootfd, const char *path, enum want want, int create);

/* An O_PATH descriptor of the directory path (one component below the
 * root: /proc, /sys, /dev) where a kernel filesystem goes, made if
 * missing. No symbolic link is followed, not even one that stays inside
 * the image (as runc refuses since CVE-2019-19921): ELOOP. */
int open_mountpoint(int rootfd, const char *path);

/* A file of the image opened for reading (O_NONBLOCK: a FIFO does not
 * block), inside the root, refused (EXDEV) when it is not a regular file
 * of the image's own: a link from /etc/passwd into /proc or /sys (a
 * /proc/kmsg read by root would eat the host's kernel log). */
int open_image_file(int rootfd, const char *path);

/* An O_PATH descriptor of name below dirfd, a filesystem we mounted (proc,
 * sysfs, our /dev): no symlink and no way out of it is followed. */
int open_beneath(int dirfd, const char *name, int flags);

/* "/proc/self/fd/N" for fd: how a resolved directory is named where the
 * kernel takes only paths (overlayfs' lowerdir= and upperdir=). buf must
 * hold 32 bytes. */
const char *fd_path(int fd, char *buf);

#endif
