/* The mounts of a container, made inside its mount namespace. */
#ifndef MOCKER_MOUNTS_H
#define MOCKER_MOUNTS_H

#include "container.h"

int mount_tree_private(struct container *ct);
int mount_root(struct container *ct);
int mount_proc(struct container *ct);
int mount_masks(struct container *ct);
int mount_sys(struct container *ct);
int mount_volumes(struct container *ct);
int mount_tmpfs(struct container *ct);
int mount_init(struct container *ct);
int mount_root_readonly(struct container *ct);
int mount_pivot(struct container *ct);

/* Remounts the mount at fd with flags added (MS_RDONLY, MS_NODEV), keeping
 * the flags it has (a user namespace may not clear nosuid, nodev or noexec
 * it was given). */
int remount_flags(int fd, unsigned long add);
int remount_readonly(int fd);

#endif
