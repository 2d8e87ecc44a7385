/* sd_notify(3) readiness: the services' NOTIFY_SOCKET and the caller's
 * (notify.c). */
#ifndef MOCKER_INIT_NOTIFY_H
#define MOCKER_INIT_NOTIFY_H

#include "supervise.h"

/* Takes the caller's NOTIFY_SOCKET, and listens on NOTIFY_PATH in services
 * mode or when there is a caller to relay to. A failure is a warning.
 * Returns the socket, or 0 for none. */
int notify_open(int services_mode);
void notify_close(void);

/* The socket (0: none), and reading one message from it. */
int notify_fd(void);
void notify_read(struct supervisor *s);

/* Tells the caller READY=1 once every service that is not down is ready
 * (services mode), and STOPPING=1 once. */
void notify_ready(struct supervisor *s);
void notify_stopping(void);

#endif
