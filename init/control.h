/* The control channel `mocker-init svc` talks to: a path socket in a
 * directory only root may enter (an abstract socket would be shared with
 * the host under --net host). */
#ifndef MOCKER_INIT_CONTROL_H
#define MOCKER_INIT_CONTROL_H

#include <sys/un.h>

#include "supervise.h"

/* a = the path socket at path (shorter than sun_path). An initializer
 * would cost the init a 110-byte template per use. */
void unix_addr(struct sockaddr_un *a, const char *path);

/* Makes CONTROL_DIR, or takes it when it is root's and no link; 0 or -1. */
int control_dir(void);

/* A socket of type bound at path in CONTROL_DIR, or 0 (with a warning). */
int control_bind(const char *path, int type);

/* Opens the channel (services mode). A failure is a warning: svc then
 * cannot reach the init. */
void control_open(void);

/* The channel's socket (0: none), and answering a request on it. */
int control_fd(void);
void control_accept(struct supervisor *s);

/* Removes the channel's path. */
void control_close(void);

#endif
