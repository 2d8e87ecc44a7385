/* The launcher's side of a container: start it, stand by it, report it. */
#ifndef MOCKER_RUN_H
#define MOCKER_RUN_H

#include "container.h"

/* Everything about a container that is checked and made on the host
 * before any namespace (main.c); exits 125 with one line on bad input. */
void prepare(struct container *ct, const struct config *c);

/* Runs the container to its end; returns mocker's exit status. OCI
 * create (ct->start_fd set): returns once it waits for start, 0. */
int run_container(struct container *ct);

#endif
