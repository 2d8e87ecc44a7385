/* The launcher's side of a container: start it, stand by it, report it. */
#ifndef MOCKER_RUN_H
#define MOCKER_RUN_H

#include "container.h"

/* Runs the container to its end; returns mocker's exit status. */
int run_container(struct container *ct);

#endif
