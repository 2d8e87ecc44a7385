/*
 * The monitor program (setup/monitor/): what stays on the host beside a
 * container, the cgroup's watcher and a detached container's monitor.
 * It is a small static program of its own, carried inside mocker and run
 * from a sealed memory file: a process of mocker keeps every page mocker
 * touched (about 450 kB), the monitor program about a tenth of that.
 */
#ifndef MOCKER_MONITOR_EXEC_H
#define MOCKER_MONITOR_EXEC_H

#include <sys/types.h>

/* mocker's own argv, kept for the monitor program: ps and the commands
 * see the run's command line. */
extern char **mocker_argv;

/* Runs the monitor program in this process, with mocker_argv and env.
 * Returns only when it could not: -1 with errno. */
int monitor_exec(char *const env[]);

struct container;

/* -d, once the container started (its init is mocker-init, which takes
 * signals as they come): the monitor program takes this process's place
 * and keeps the container's log and state. Returns only when it could
 * not (-1): this process goes on doing it. */
int monitor_take_over(struct container *ct, pid_t pid);

#endif
