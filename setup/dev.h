/* A fresh /dev: tmpfs with the usual devices, devpts, shm and mqueue. */
#ifndef MOCKER_DEV_H
#define MOCKER_DEV_H

#include <stdint.h>

/* Mounts the container's /dev at /dev inside rootfd and fills it; returns
 * the tmpfs's root, or -1 with errno and *why the entry that failed. In a
 * user namespace (userns), devpts gets no tty group. /dev/shm has shm_size
 * bytes (0: 64m, as Docker). */
int dev_make(int rootfd, int userns, uint64_t shm_size, const char **why);

#endif
