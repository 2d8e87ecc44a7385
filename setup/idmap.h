/*
 * Idmapped mounts (Linux 5.12): a tree whose files, seen through the
 * mount, belong to the ids the container's user namespace maps them to.
 * With --userns, the image (root's files) is its container root's, so that
 * the overlay's copy-up and the mount points mocker makes work; a volume
 * with :idmap likewise. Made by the launcher, as root in the host's user
 * namespace (the kernel wants CAP_SYS_ADMIN over the filesystem's): not
 * possible rootless.
 */
#ifndef MOCKER_IDMAP_H
#define MOCKER_IDMAP_H

#include <sys/types.h>

/* A detached copy of the tree at path (not its submounts), idmapped with
 * the user namespace of pid, nodev. The descriptor, or -1 with errno. */
int idmap_tree(const char *path, pid_t pid);

#endif
