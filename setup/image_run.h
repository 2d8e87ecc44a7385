/* `mocker run IMAGE`: ROOTFS as an image, and its configuration. */
#ifndef MOCKER_IMAGE_RUN_H
#define MOCKER_IMAGE_RUN_H

#include "config.h"
#include "image.h"

/* 0: c->rootfs is a root filesystem directory. 1: it names an image,
 * now in img (pulled, unpacked) with its configuration taken into c, and
 * the store's lock held shared until image_run_recorded() (the
 * container's descriptor of it is closed when its init execs). Exits 125 with
 * one line when it is neither. */
int image_for_run(struct config *c, struct image *img, int quiet);

/* The image's Env, WorkingDir and User (exec: only those), Entrypoint
 * and Cmd, StopSignal and, for -P, ExposedPorts, under what the command
 * line gave. */
void image_apply(struct config *c, const struct image *img, int exec);

/* The container's state is saved (it started): rmi and prune now see
 * that it uses its image; the lock goes. */
void image_run_recorded(void);

#endif
