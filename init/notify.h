/* sd_notify(3) readiness: the services' NOTIFY_SOCKET and the caller's
 * (notify.c). */
#ifndef MOCKER_INIT_NOTIFY_H
#define MOCKER_INIT_NOTIFY_H

#include "supervise.h"

/* Takes the caller's NOTIFY_SOCKET; listens for each service with a notify
 * file, and for a single command when there is a caller to relay to; sets
 * what NOTIFY_SOCKET the services or the command get. A failure is a
 * warning. Returns the command's socket, or 0. */
int notify_open(struct supervisor *s);
void notify_close(struct supervisor *s);

/* The command's socket (0: none); reading one message from it (v NULL),
 * or from v's. */
int notify_relay_fd(void);
void notify_read(struct supervisor *s, struct service *v);

/* Tells the caller READY=1 once every service that is not down is ready
 * (services mode), and STOPPING=1 once. */
void notify_ready(struct supervisor *s);
void notify_stopping(void);

#endif
