/* --overlay: the image as the lower layer of an overlayfs, changes in a
 * per-run tmpfs (thrown away) or in --overlay=DIR (kept). */
#ifndef MOCKER_OVERLAY_H
#define MOCKER_OVERLAY_H

#include "container.h"

/* Mounts the overlay inside the container's mount namespace, over the
 * image's own path; sets ct->rootfd to the merged tree. */
int overlay_mount(struct container *ct);

#endif
