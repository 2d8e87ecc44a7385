/* The container's environment: clean, not the caller's. */
#ifndef MOCKER_ENV_H
#define MOCKER_ENV_H

#include "container.h"

/* PATH, HOME (the user's), TERM, HOSTNAME, LISTEN_* for passed sockets,
 * then each -e KEY=VALUE (or KEY, taken from our environment), later ones
 * replacing earlier ones. */
char **env_build(const struct container *ct);

#endif
