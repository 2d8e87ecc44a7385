/* Ending every process that is left: SIGTERM, a grace period, SIGKILL. */
#ifndef MOCKER_INIT_SHUTDOWN_H
#define MOCKER_INIT_SHUTDOWN_H

#include <sys/types.h>

/* SIGTERM and SIGCONT to the rest, then reap until none is left or grace_ms
 * has passed, then SIGKILL. Returns when no child is left. */
void shutdown_rest(unsigned long long grace_ms, pid_t fallback_pgrp, int warn);

#endif
