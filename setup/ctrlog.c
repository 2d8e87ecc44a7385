#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctrlog.h"
#include "file.h"

int
ctrlog_open(struct ctrlog *l, const char *dir)
{
	char path[PATH_MAX + 16];
	struct stat st;

	memset(l, 0, sizeof *l);
	snprintf(l->dir, sizeof l->dir, "%s", dir);
	snprintf(path, sizeof path, "%s/log", dir);
	if ((l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
		return -1;
	l->size = fstat(l->fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

static void
rotate(struct ctrlog *l)
{
	char path[PATH_MAX + 16], old[PATH_MAX + 16];

	snprintf(path, sizeof path, "%s/log", l->dir);
	snprintf(old, sizeof old, "%s/log.1", l->dir);
	if (rename(path, old) < 0)
		return;
	close(l->fd);
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	l->size = 0;
}

static void
emit(struct ctrlog *l, int stream, char tag, const char *s, size_t n)
{
	char head[96];
	struct timespec ts;
	struct tm tm;
	int h;

	if (l->fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	h = (int)strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
	h += snprintf(head + h, sizeof head - (size_t)h, ".%09ldZ %s %c ", ts.tv_nsec,
	              stream == 2 ? "stderr" : "stdout", tag);
	if (l->size + h + (long long)n + 1 > CTRLOG_MAX)
		rotate(l);
	{
		/* one write per line: readers never see half of one */
		char line[CTRLOG_LINE + 128];
		memcpy(line, head, (size_t)h);
		memcpy(line + h, s, n);
		line[h + (int)n] = '\n';
		if (write_all(l->fd, line, (size_t)h + n + 1) == 0)
			l->size += h + (long long)n + 1;
	}
}

void
ctrlog_write(struct ctrlog *l, int stream, const char *buf, size_t n)
{
	int k = stream == 2 ? 1 : 0;

	while (n > 0) {
		const char *nl = memchr(buf, '\n', n);
		size_t take = nl ? (size_t)(nl - buf) : n;
		if (l->plen[k] + take >= CTRLOG_LINE) {
			/* a piece of a long line */
			size_t room = CTRLOG_LINE - 1 - l->plen[k];
			memcpy(l->part[k] + l->plen[k], buf, room);
			emit(l, stream, 'P', l->part[k], CTRLOG_LINE - 1);
			l->plen[k] = 0;
			buf += room;
			n -= room;
			continue;
		}
		memcpy(l->part[k] + l->plen[k], buf, take);
		l->plen[k] += take;
		if (!nl)
			return;
		emit(l, stream, 'F', l->part[k], l->plen[k]);
		l->plen[k] = 0;
		buf += take + 1;
		n -= take + 1;
	}
}

void
ctrlog_close(struct ctrlog *l)
{
	int k;

	for (k = 0; k < 2; k++)
		if (l->plen[k])
			emit(l, k + 1, 'P', l->part[k], l->plen[k]);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Prints one log line (a CRI line, its newline cut). */
static void
print_line(char *line, int timestamps)
{
	char *sp1, *sp2, tag;

	if (!line) /* a line the tail could not keep (no memory) */
		return;
	sp1 = strchr(line, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp2 || !sp2[1] || sp2[2] != ' ')
		return;
	tag = sp2[1];
	if (timestamps)
		printf("%.*s ", (int)(sp1 - line), line);
	fputs(sp2 + 3, stdout);
	if (tag == 'F')
		fputc('\n', stdout);
}

/* The lines of file, from offset *off on; lines kept when keep (ring of
 * the last ones) else printed. */
static void
read_lines(const char *path, long long *off, char **ring, long tail, long *count, int ts,
           int print)
{
	static char line[CTRLOG_LINE + 256];
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	if (fseeko(f, (off_t)*off, SEEK_SET) < 0) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		if (n == 0 || line[n - 1] != '\n')
			break; /* not whole yet: read again later */
		*off += (long long)n;
		line[n - 1] = 0;
		if (print) {
			print_line(line, ts);
			continue;
		}
		if (tail < 0) {
			print_line(line, ts);
		} else if (tail > 0) {
			free(ring[*count % tail]);
			ring[*count % tail] = strdup(line);
			(*count)++;
		}
	}
	fclose(f);
}

/* gcc -fanalyzer takes the ring for leaking: each slot is freed where
 * read_lines replaces it, and the rest just below. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
int
ctrlog_print(const char *dir, long tail, int timestamps, int follow,
             int (*done)(void *ctx), void *ctx)
{
	char path[PATH_MAX + 16], old[PATH_MAX + 16];
	char **ring = tail > 0 ? calloc((size_t)tail, sizeof *ring) : NULL;
	long long off_old = 0, off = 0;
	long count = 0, i;
	int in = -1;
	struct stat st;
	ino_t ino = 0;

	snprintf(path, sizeof path, "%s/log", dir);
	snprintf(old, sizeof old, "%s/log.1", dir);
	if (tail > 0 && !ring)
		return -1;
	if (follow && (in = inotify_init1(IN_CLOEXEC)) >= 0)
		inotify_add_watch(in, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE);
	read_lines(old, &off_old, ring, tail, &count, timestamps, 0);
	if (stat(path, &st) == 0)
		ino = st.st_ino;
	read_lines(path, &off, ring, tail, &count, timestamps, 0);
	if (tail > 0) {
		for (i = count > tail ? count - tail : 0; i < count; i++) {
			print_line(ring[i % tail], timestamps);
			free(ring[i % tail]);
		}
		free(ring);
	}
	fflush(stdout);
	while (follow) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		char ev[4096];
		int finished = done(ctx);
		/* rotated: what is left of the old one, then the new one */
		if (stat(path, &st) == 0 && st.st_ino != ino) {
			read_lines(old, &off, NULL, -1, &count, timestamps, 1);
			off = 0;
			ino = st.st_ino;
		}
		read_lines(path, &off, NULL, -1, &count, timestamps, 1);
		fflush(stdout);
		if (finished)
			break;
		if (in < 0 || poll(&p, 1, 1000) < 0) /* a second: done() is looked at again */
			break;
		if (p.revents & POLLIN)
			(void)!read(in, ev, sizeof ev);
	}
	if (in >= 0)
		close(in);
	return 0;
}
#pragma GCC diagnostic pop
