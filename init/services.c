/*
 * A services directory, in runit's and s6's convention: DIR/NAME/run is
 * started in DIR/NAME, DIR/NAME/finish runs after each exit, DIR/NAME/down
 * means "not started until asked". The other small files of a service say
 * how it is run (mocker-init(8) has them in one table); a file that says
 * something wrong is a setup error, before anything starts.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "defaults.h"
#include "dirscan.h"
#include "log.h"
#include "num.h"
#include "supervise.h"
#include "sys.h"

static char *const run_argv[] = { "./run", NULL };

struct loading {
	struct supervisor *s;
	const char *dir; /* absolute */
};

/* The services directory and the service being read: what the settings'
 * paths are relative to (fewer arguments at each of the many calls). */
static int sdir;
static const char *sname;

/* "NAME/file" */
static const char *
path(const char *file)
{
	static char buf[sizeof ((struct service *)0)->name + 32];

	return strcat(strcat(strcpy(buf, sname), "/"), file);
}

static int
has_file(const char *file, int mode)
{
	return sys_faccessat(sdir, path(file), mode) == 0;
}

/* The text of name/file, trailing blanks and newlines trimmed, into buf;
 * its length, or -1 when there is no such file. */
static int
read_setting(const char *file, char *buf, size_t size)
{
	/* not a FIFO's or a terminal's read to hang on: PID 1 waits for it */
	int fd = sys_openat(sdir, path(file), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		n = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = 0;
	return (int)n;
}

/* One line naming the service, the file and what is wrong in it. */
static __attribute__((noreturn)) void
bad_setting(const char *name, const char *file, const char *text)
{
	die(EXIT_SETUP, "service %s: %s: invalid '%s' (see mocker-init(8))", name, file, text);
}

static void
load_settings(struct service *v)
{
	char buf[320], *cmd;
	unsigned long n;
	unsigned long long ms;
	const char *why;
	int pw, gr;

	v->down_signal = SIGTERM;
	if (read_setting("down-signal", buf, sizeof buf) >= 0 &&
	    (v->down_signal = sig_parse(buf)) < 0)
		bad_setting(v->name, "down-signal", buf);
	if (read_setting("timeout-kill", buf, sizeof buf) >= 0) {
		if (parse_ulong(buf, 1UL << 30, &n) < 0)
			bad_setting(v->name, "timeout-kill", buf);
		if (n)
			v->kill_ms = n;
	}
	v->notification_fd = -1;
	if (read_setting("notification-fd", buf, sizeof buf) >= 0) {
		if (parse_ulong(buf, FD_OWN - 1, &n) < 0 || n < 3)
			bad_setting(v->name, "notification-fd", buf);
		v->notification_fd = (int)n;
	}
	if (read_setting("restart", buf, sizeof buf) >= 0 &&
	    restart_parse(buf, &v->policy, &v->restart_max) < 0)
		bad_setting(v->name, "restart", buf);
	if (read_setting("user", buf, sizeof buf) >= 0) {
		pw = creds_open(PASSWD_FILE);
		gr = creds_open(GROUP_FILE);
		if (creds_lookup(buf, pw, gr, &v->creds, &why) < 0)
			bad_setting(v->name, "user", buf);
		close(pw);
		close(gr);
		v->has_creds = 1;
	}
	/* check: the interval in seconds, then the command */
	if (read_setting("check", buf, sizeof buf) >= 0) {
		cmd = strchrnul(buf, '\n');
		if (*cmd)
			*cmd++ = 0;
		if (parse_seconds_ms(buf, 86400, &ms) < 0 || ms < 100 || !*cmd ||
		    strlen(cmd) >= sizeof v->check_cmd)
			bad_setting(v->name, "check", buf);
		v->check_ms = (unsigned long)ms;
		strcpy(v->check_cmd, cmd);
	}
}

static int
add_service(const char *name, unsigned char type, void *ctx)
{
	struct loading *l = ctx;
	struct supervisor *s = l->s;
	struct service *v;
	const char *c;

	(void)type;
	sname = name;
	if (name[0] == '.')
		return 0;
	for (c = name; *c; c++)
		if ((unsigned char)*c <= ' ')
			return 0; /* no blanks or control characters in svc -l */
	/* before any path is made of it */
	if (s->n == SERVICES_MAX || strlen(name) >= sizeof v->name ||
	    strlen(l->dir) + strlen(name) + 2 > sizeof v->dir) {
		say_warn("service %s: skipped: too many, or too long", name);
		return 0;
	}
	if (!has_file("run", X_OK)) {
		if (has_file("run", F_OK))
			say_warn("service %s: skipped: run is not executable", name);
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
	v->kill_ms = s->o->grace_ms;
	v->has_finish = has_file("finish", X_OK);
	v->down = has_file("down", F_OK);
	v->essential = has_file("essential", F_OK);
	v->has_env = has_file("env", X_OK);
	v->log_prefix = has_file("log-prefix", F_OK);
	v->notify = has_file("notify", F_OK);
	load_settings(v);
	return 0;
}

struct service *
service_find(struct supervisor *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->svc[i].name, name) == 0)
			return &s->svc[i];
	return NULL;
}

/* needs: names of services that must be ready first, blank-separated. */
static void
load_needs(struct supervisor *s)
{
	unsigned long reach[SERVICES_MAX];
	char buf[SERVICES_MAX * 72], *p, *e;
	int i, j, k;

	for (i = 0; i < s->n; i++) {
		struct service *v = &s->svc[i], *w;
		sname = v->name;
		if (read_setting("needs", buf, sizeof buf) < 0)
			continue;
		for (p = buf; *p; p = e) {
			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			for (e = p; *e && *e != ' ' && *e != '\t' && *e != '\n'; e++)
				;
			if (e == p)
				break;
			if (*e)
				*e++ = 0;
			if (!(w = service_find(s, p)))
				die(EXIT_SETUP, "service %s: needs '%s': no such service", v->name, p);
			v->needs |= 1UL << (w - s->svc);
		}
	}
	/* what each one waits for, directly or not: itself is a cycle */
	for (i = 0; i < s->n; i++)
		reach[i] = s->svc[i].needs;
	for (k = 0; k < s->n; k++)
		for (i = 0; i < s->n; i++)
			for (j = 0; j < s->n; j++)
				if (reach[i] & (1UL << j))
					reach[i] |= reach[j];
	for (i = 0; i < s->n; i++)
		if (reach[i] & (1UL << i))
			die(EXIT_SETUP, "service %s: needs: a cycle", s->svc[i].name);
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
	if ((sdir = sys_open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	s->n = 0;
	dir_each(sdir, add_service, &l);
	/* Start in name order, as runit and s6 users expect from ls. */
	for (i = 1; i < s->n; i++)
		for (j = i; j > 0 && strcmp(s->svc[j - 1].name, s->svc[j].name) > 0; j--) {
			struct service t = s->svc[j];
			s->svc[j] = s->svc[j - 1];
			s->svc[j - 1] = t;
		}
	load_needs(s);
	close(sdir);
	return 0;
}
