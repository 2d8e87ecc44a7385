/* Services with a log-prefix file: their output, line by line, with
 * "[name] " in front (logs.c). */
#ifndef MOCKER_INIT_LOGS_H
#define MOCKER_INIT_LOGS_H

#include "spawn.h"
#include "supervise.h"

#define LOG_LINE_MAX 4096 /* a longer line is split, each part prefixed */
#define LOG_FLUSH_MS 2000 /* at the end: how long a slow reader is waited for */

/* Makes v's pipes on its first start and has sp give them as 1 and 2. A
 * failure leaves the service unprefixed. */
void logs_open(struct service *v, struct spawn *sp);

/* Writes what is pending. 0 when no service prefixes; else ok[k] says
 * whether stdout (0) and stderr (1) can take more (their pipes are read
 * only then) and fd[k] is the descriptor to wait on when not. */
int logs_writable(struct supervisor *s, int ok[2], int fd[2]);

/* Reads service i's stdout (k 0) or stderr (1) pipe once, or until it is
 * empty (all), and writes the lines it completes. */
void logs_read(struct supervisor *s, int i, int k, int all);

/* Service i ended: what it wrote, a last partial line ended. */
void logs_drain(struct supervisor *s, int i);

/* At the end: everything still in the pipes, a last partial line ended. */
void logs_flush(struct supervisor *s);

#endif
