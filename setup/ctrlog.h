/*
 * A detached container's log: what it writes to stdout and stderr, kept by
 * its monitor in DIR/log, one line per line written, in the CRI format
 * ("2026-11-30T13:00:00.123456789Z stdout F text"; P for a piece of a line
 * longer than 16 KiB). At 10 MiB the log becomes DIR/log.1 (the one before
 * is dropped): at most 20 MiB per container.
 */
#ifndef MOCKER_CTRLOG_H
#define MOCKER_CTRLOG_H

#include <stddef.h>

#define CTRLOG_MAX (10 << 20)
#define CTRLOG_LINE 16384

struct ctrlog {
	char dir[4096];
	int fd;
	long long size;
	char part[2][CTRLOG_LINE]; /* an unfinished line of stdout, stderr */
	size_t plen[2];
};

int ctrlog_open(struct ctrlog *l, const char *dir);

/* What stream (1 stdout, 2 stderr) wrote; whole lines go to the log. */
void ctrlog_write(struct ctrlog *l, int stream, const char *buf, size_t n);

/* The unfinished lines, as they are. */
void ctrlog_close(struct ctrlog *l);

/* Prints the log of the container in dir: the last tail lines (-1: all),
 * with their times when timestamps; follow: then what comes, until
 * done(ctx) says the container is gone and nothing more is written. */
int ctrlog_print(const char *dir, long tail, int timestamps, int follow,
                 int (*done)(void *ctx), void *ctx);

#endif
