/*
 * The monitor program: what stays on the host beside a container, small
 * (its pages are what a container costs the host), static, carried inside
 * mocker (setup/monitor_exec.c). MOCKER_MONITOR in its environment says
 * which part it plays:
 *   watch  the cgroup's watcher (setup/watch.c)
 *   run    a detached container's monitor, once it started (detached.c)
 * Its argv is the run's: ps and mocker's commands read it.
 */
#ifndef MOCKER_MONITOR_H
#define MOCKER_MONITOR_H

int monitor_detached(void);

#endif
