#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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
