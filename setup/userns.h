/*
 * User namespaces: rootless runs and, as root, --userns.
 *
 * Rootless, the caller is root inside; with ranges of its own in
 * /etc/subuid and /etc/subgid, newuidmap and newgidmap (Debian's uidmap)
 * map up to 65536 more ids after it, as Podman does, so that an image's
 * users (postgres, www-data) exist; without them, the caller alone.
 * --userns=keep-id maps the caller to its own uid inside instead.
 * As root: a given range (BASE:SIZE, default 100000:65536), or with
 * --userns=auto the first 65536 ids from 100000 on that no process of the
 * machine has mapped.
 */
#ifndef MOCKER_USERNS_H
#define MOCKER_USERNS_H

#include <sys/types.h>

/* Maps decided on the host, before the container starts. */
struct idmaps {
	int ranges;          /* rootless with subordinate ranges: newuidmap */
	int keep_id;         /* the caller's uid inside is its own */
	uid_t uid, gid;      /* the caller's */
	uid_t sub_uid, sub_gid; /* its first subordinate ids */
	uid_t count;         /* how many of them (at most 65536) */
	uid_t base, size;    /* as root: the range container root starts */
};

/* Fills m for a rootless caller (ranges from /etc/subuid and /etc/subgid
 * when newuidmap is there), or for root with base and size (auto: size 0).
 * keep_id: --userns=keep-id. Says once, with a warning, what is missing. */
void userns_plan(struct idmaps *m, int rootless, int keep_id, uid_t base, uid_t size);

/* Writes the uid and gid maps of pid's user namespace from the host side.
 * 0, or -1 with errno and *why. */
int userns_map(const struct idmaps *m, pid_t pid, int rootless, const char **why);

/* The host uid and gid that container ids uid and gid are under m (for a
 * :U volume); -1 when they are not mapped. */
int userns_host_ids(const struct idmaps *m, int rootless, uid_t uid, gid_t gid,
                    uid_t *huid, gid_t *hgid);

#endif
