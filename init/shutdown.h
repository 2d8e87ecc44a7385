/* Ending every process that is left: SIGTERM, a grace period, SIGKILL. */
#ifndef MOCKER_INIT_SHUTDOWN_H
#define MOCKER_INIT_SHUTDOWN_H

#include <sys/types.h>

/* Sends sig to every other process of our PID namespace when we are its
 * PID 1, else to every descendant (found through /proc when it is ours,
 * else the process group fallback_pgrp). Returns how many were signalled,
 * as far as known. */
int kill_rest(int sig, pid_t fallback_pgrp);

/* Reaps every child that has exited; -1 when no child is left at all, else
 * how many were reaped. warn: report each one. */
int reap_rest(int warn);

/* SIGTERM and SIGCONT to the rest, then reap until none is left or grace_ms
 * has passed, then SIGKILL. Returns when no child is left. */
void shutdown_rest(unsigned long long grace_ms, pid_t fallback_pgrp, int warn);

#endif
