/* A fresh /dev: tmpfs with the usual devices, devpts, shm and mqueue. */
#ifndef MOCKER_DEV_H
#define MOCKER_DEV_H

#include "container.h"

int dev_make(struct container *ct);

#endif
