/*
 * The cgroup watcher: started before the container's cgroup is made, it
 * outlives a launcher (or a monitor) killed with SIGKILL and then kills
 * the cgroup and removes it, and forgets a foreground run's state. It is
 * the monitor program's part, or, when that cannot start, runs in the
 * copy of mocker that would have run it. On the pipe it is told of each directory before it is made ("+DIR\n", "-DIR\n"
 * when it was not), then 'd' (done: nothing to do) or 'r' (the cgroup's
 * last processes are still exiting: remove the directories only, kill
 * nothing, as their names could be a new container's by then); and what
 * else to undo then: "FPATH" a file to remove (a network address's
 * lease), "NLINE" an nft command (its published ports' rules); and what
 * to remove however it ended: "TPATH" a tree (a foreground run's upper
 * layer in the image store, gone after the container, not before mocker
 * returns).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "file.h"
#include "nft.h"
#include "tree_remove.h"
#include "watch.h"

static struct cgroup cg;
/* what else is undone: files removed ('F'), nft commands run ('N') */
#define WATCH_FILES 4
static char files[WATCH_FILES][PATH_MAX];
static int nfiles;
static char trees[2][PATH_MAX];
static int ntrees;
static char nft_script[16384];
static size_t nft_len;

/* Reads the pipe to its end: the last of 'd' and 'r', or 0 (the launcher
 * was killed). The lifetime cgroup's directory is known by its files. */
static char
listen_to_launcher(int fd)
{
	static char line[PATH_MAX];
	char buf[512], c = 0;
	size_t len = 0;
	ssize_t n, i;
	int j;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (len == 0 && !strchr("+-FNT", buf[i])) {
				c = buf[i];
				continue;
			}
			if (buf[i] != '\n') {
				if (len < sizeof line - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = 0;
			len = 0;
			if (line[0] == 'F' && nfiles < WATCH_FILES) {
				strcpy(files[nfiles++], line + 1);
				continue;
			}
			if (line[0] == 'T' && ntrees < 2) {
				strcpy(trees[ntrees++], line + 1);
				continue;
			}
			if (line[0] == 'N') {
				size_t k = strlen(line + 1);
				if (nft_len + k + 1 < sizeof nft_script) {
					memcpy(nft_script + nft_len, line + 1, k);
					nft_len += k;
					nft_script[nft_len++] = '\n';
					nft_script[nft_len] = 0;
				}
				continue;
			}
			for (j = 0; j < cg.ndirs && strcmp(cg.dirs[j], line + 1) != 0; j++)
				;
			if (line[0] == '+' && j == cg.ndirs && cg.ndirs < CGROUP_MAX_DIRS)
				strcpy(cg.dirs[cg.ndirs++], line + 1); /* shorter */
			else if (line[0] == '-' && j < cg.ndirs)
				memmove(cg.dirs[j], cg.dirs[j + 1],
				        (size_t)(--cg.ndirs - j) * sizeof cg.dirs[0]);
		}
	}
	for (j = 0; j < cg.ndirs; j++) {
		char file[PATH_MAX + 32];
		strcpy(file, cg.dirs[j]);
		strcat(file, "/cgroup.controllers");
		if (!cg.kill_dir[0] && access(file, F_OK) == 0)
			strcpy(cg.kill_dir, cg.dirs[j]);
		strcpy(file, cg.dirs[j]);
		strcat(file, "/freezer.state");
		if (!cg.freezer_dir[0] && access(file, F_OK) == 0)
			strcpy(cg.freezer_dir, cg.dirs[j]);
	}
	return c;
}

/* A foreground run's state, as ctr_remove() leaves it: its file, and its
 * name's link if that still names it. */
static void
forget(const char *file, const char *link, const char *id)
{
	char target[128];
	ssize_t n;

	if (link && id && (n = readlink(link, target, sizeof target - 1)) > 0) {
		target[n] = 0;
		if (strcmp(target, id) == 0)
			unlink(link);
	}
	if (file)
		unlink(file);
}

/* "PATH\tTEXT": PATH removed if it still holds TEXT. */
static void
unlink_if_holding(char *line)
{
	char *tab = strchr(line, '\t'), held[256];

	if (!tab)
		return;
	*tab = 0;
	if (file_read(NULL, line, held, sizeof held) > 0 && strstr(held, tab + 1))
		unlink(line);
}

void
watch_cgroup(int fd, const char *forget_file, const char *forget_link, const char *forget_id,
             const char *nft)
{
	char c = listen_to_launcher(fd), msg[256];
	int i;

	if (c == 'r') {
		cgroup_remove_dirs(&cg, 10000);
	} else if (c != 'd') {
		cgroup_kill_all(&cg);
		cgroup_remove_dirs(&cg, 5000);
		forget(forget_file, forget_link, forget_id);
		if (nft_len)
			nft_run(nft ? nft : "nft", nft_script, msg, sizeof msg);
		for (i = 0; i < nfiles; i++)
			unlink_if_holding(files[i]);
	}
	/* the container's mount namespace may still be going (its overlay
	 * busy): again, for up to 2 s */
	for (i = 0; i < ntrees; i++) {
		struct timespec ten_ms = { 0, 10000000 };
		int tries = 200;
		while (tree_remove_path(trees[i]) < 0 && errno != ENOENT && --tries)
			nanosleep(&ten_ms, NULL);
	}
}
