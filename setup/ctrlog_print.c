/* mocker logs: a detached container's log, printed (and followed). */
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
