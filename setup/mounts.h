/* The mounts of a container, made inside its mount namespace. */
#ifndef MOCKER_MOUNTS_H
#define MOCKER_MOUNTS_H

#include "container.h"

int mount_tree_private(struct container *ct);
int mount_root(struct container *ct);
int mount_proc(struct container *ct);
int mount_sys(struct container *ct);
int mount_masks(struct container *ct);
int mount_volumes(struct container *ct);
int mount_tmpfs(struct container *ct);
int mount_init(struct container *ct);
int mount_root_readonly(struct container *ct);
int mount_pivot(struct container *ct);

/* Binds host path src at path inside the root, nodev and recursive, with
 * attributes added (MA_RDONLY). */
int mount_bind(struct container *ct, const char *src, const char *path, unsigned attr);

#endif
