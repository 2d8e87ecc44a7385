/* A services directory, in runit's and s6's convention: DIR/NAME/run is
 * started in DIR/NAME, DIR/NAME/finish runs after each exit, DIR/NAME/down
 * means "do not start". */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dirscan.h"
#include "log.h"
#include "supervise.h"
#include "sys.h"

static char *const run_argv[] = { "./run", NULL };

struct loading {
	struct supervisor *s;
	int dirfd;
	const char *dir; /* absolute */
};

static int
has_file(int dirfd, const char *name, const char *file, int mode)
{
	char path[512];

	if (strlen(name) + strlen(file) + 2 > sizeof path)
		return 0;
	strcpy(path, name);
	strcat(path, "/");
	strcat(path, file);
	return sys_faccessat(dirfd, path, mode) == 0;
}

static int
add_service(const char *name, unsigned char type, void *ctx)
{
	struct loading *l = ctx;
	struct supervisor *s = l->s;
	struct service *v;

	(void)type;
	if (name[0] == '.')
		return 0;
	if (!has_file(l->dirfd, name, "run", X_OK)) {
		if (has_file(l->dirfd, name, "run", F_OK))
			say_warn("service %s: run is not executable; skipped", name);
		return 0;
	}
	if (has_file(l->dirfd, name, "down", F_OK)) {
		say_info("service %s: down", name);
		return 0;
	}
	if (s->n == SERVICES_MAX || strlen(name) >= sizeof v->name ||
	    strlen(l->dir) + strlen(name) + 2 > sizeof v->dir) {
		say_warn("service %s: too many services or too long a name; skipped", name);
		return 0;
	}
	v = &s->svc[s->n++];
	memset(v, 0, sizeof *v);
	strcpy(v->name, name);
	strcpy(v->dir, l->dir);
	strcat(v->dir, "/");
	strcat(v->dir, name);
	v->argv = run_argv;
	v->policy = RESTART_ALWAYS;
	v->has_finish = has_file(l->dirfd, name, "finish", X_OK);
	return 0;
}

int
services_load(struct supervisor *s, const char *dir)
{
	struct loading l = { .s = s };
	char abs[512];
	int i, j;

	/* Services start in their directory, and we leave ours: make it whole. */
	if (dir[0] != '/' && s->cwd && strlen(s->cwd) + strlen(dir) + 2 <= sizeof abs) {
		strcpy(abs, s->cwd);
		strcat(abs, "/");
		strcat(abs, dir);
		dir = abs;
	}
	l.dir = dir;
	if ((l.dirfd = sys_open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	s->n = 0;
	dir_each(l.dirfd, add_service, &l);
	close(l.dirfd);
	/* Start in name order, as runit and s6 users expect from ls. */
	for (i = 1; i < s->n; i++)
		for (j = i; j > 0 && strcmp(s->svc[j - 1].name, s->svc[j].name) > 0; j--) {
			struct service t = s->svc[j];
			s->svc[j] = s->svc[j - 1];
			s->svc[j - 1] = t;
		}
	return 0;
}
