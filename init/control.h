/* The control channel `mocker-init svc` talks to: a path socket in a
 * directory only root may enter (an abstract socket would be shared with
 * the host under --net host). */
#ifndef MOCKER_INIT_CONTROL_H
#define MOCKER_INIT_CONTROL_H

#include <poll.h>

#include "supervise.h"

/* Opens the channel (services mode). A failure is a warning: svc then
 * cannot reach the init. */
void control_open(void);

/* Adds the channel to p[*n]; answers a request when poll found one. */
void control_poll(struct pollfd *p, int *n);
void control_handle(struct supervisor *s, const struct pollfd *p, int n);

/* Removes the channel's path. */
void control_close(void);

#endif
