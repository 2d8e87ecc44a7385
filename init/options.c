#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "defaults.h"
#include "version.h"
#include "log.h"
#include "num.h"
#include "options.h"
#include "license.h"

#define VERSION_LINE "tini version " MOCKER_VERSION "_" PROG " - git." MOCKER_COMMIT "\n"
#define SYNOPSIS "usage: " PROG " [OPTION]... [--] COMMAND [ARG]..."

static const char help[] =
SYNOPSIS "\n"
"       " PROG " svc -u|-d|-r|-k|-s SIG NAME | svc -l\n"
"       " PROG " probe [-T SECONDS] tcp HOST:PORT | http URL [STATUS] | exec CMD...\n"
"PID 1 for containers, or for the services in " SERVICES_DIR ". Options:\n"
"-H NAME, -t SECONDS (grace), -g, -p SIG, -e CODE, -r FROM:TO, -x, -R no|always|\n"
"on-failure[:N], -u USER[:GROUP], -P, -s, -w, -v, -V, -l, -h, --no-proc,\n"
"--services DIR, --env-from-files: see mocker-init(8).\n";

enum id {
	O_HOSTNAME, O_NO_PROC, O_PGROUP, O_SUBREAPER, O_PDEATHSIG, O_EXPECT,
	O_REWRITE, O_GRACE, O_EXEC, O_RESTART, O_SERVICES, O_PAUSE, O_USER,
	O_VERBOSE, O_WARN_REAP, O_VERSION, O_HELP, O_LAUNCHER_SIGNALS,
	O_ENV_FILES, O_LICENSE,
};

/* in the order of enum id: an option's index is its id */
static const struct opt {
	char shrt;
	unsigned char has_arg;
	unsigned char env; /* has a MOCKER_INIT_<LONG_NAME> variable */
} opts[] = {
	[O_HOSTNAME] = { 'H', 1, 1 },  [O_NO_PROC] = { 0, 0, 1 },
	[O_PGROUP] = { 'g', 0, 1 },    [O_SUBREAPER] = { 's', 0, 1 },
	[O_PDEATHSIG] = { 'p', 1, 1 }, [O_EXPECT] = { 'e', 1, 1 },
	[O_REWRITE] = { 'r', 1, 1 },   [O_GRACE] = { 't', 1, 1 },
	[O_EXEC] = { 'x', 0, 1 },      [O_RESTART] = { 'R', 1, 1 },
	[O_SERVICES] = { 0, 1, 1 },    [O_PAUSE] = { 'P', 0, 1 },
	[O_USER] = { 'u', 1, 1 },      [O_VERBOSE] = { 'v', 0, 0 },
	[O_WARN_REAP] = { 'w', 0, 1 }, [O_VERSION] = { 'V', 0, 0 },
	[O_HELP] = { 'h', 0, 0 },      [O_LAUNCHER_SIGNALS] = { 0, 1, 0 },
	[O_ENV_FILES] = { 0, 0, 0 },   [O_LICENSE] = { 'l', 0, 0 },
};

/* Their long names, in the same order, one after the other: pointers
 * would take more bytes than the names. */
static const char longs[] =
	"hostname\0no-proc\0pgroup\0subreaper\0pdeathsig\0expect\0rewrite\0grace\0"
	"exec\0restart\0services\0pause\0user\0verbose\0warn-reap\0version\0help\0"
	INIT_SIGNALS_NAME "\0env-from-files\0license";

static const char *
long_name(size_t id)
{
	const char *l = longs;

	while (id--)
		l += strlen(l) + 1;
	return l;
}

#define NOPTS (sizeof opts / sizeof opts[0])

void
usage_error(const char *what, const char *arg, const char *why)
{
	die(EXIT_USAGE, "%s%s%s%s%s; " SYNOPSIS " (see --help)",
	    what, arg ? " '" : "", arg ? arg : "", arg ? "'" : "", why);
}

/* Splits a comma-separated environment list; calls fn on each item. */
static void
each_item(const char *list, void (*fn)(struct options *, const char *, const char *),
          struct options *o, const char *src)
{
	char item[256];

	while (*list) {
		size_t n = (size_t)(strchrnul(list, ',') - list);
		if (n >= sizeof item)
			usage_error(src, NULL, ": item too long");
		memcpy(item, list, n);
		item[n] = 0;
		fn(o, item, src);
		list += n + (list[n] == ',');
	}
}

static void
add_expect(struct options *o, const char *s, const char *src)
{
	unsigned long code;

	if (parse_ulong(s, 255, &code) < 0)
		usage_error(src, s, ": not an exit code (0-255)");
	o->expect[code / 8] |= (unsigned char)(1u << (code % 8));
}

static void
add_rewrite(struct options *o, const char *s, const char *src)
{
	char from[32];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : 0;
	int f, t;

	if (!colon)
		usage_error(src, s, ": expected FROM:TO");
	if (n >= sizeof from)
		usage_error(src, s, ": unknown signal");
	memcpy(from, s, n);
	from[n] = 0;
	f = sig_parse(from);
	t = strcmp(colon + 1, "0") == 0 ? 0 : sig_parse(colon + 1);
	if (f < 0 || t < 0)
		usage_error(src, s, ": unknown signal");
	o->rewrite[f] = (unsigned char)t;
}

int
restart_parse(const char *s, int *policy, unsigned long *max)
{
	*max = 0;
	if (strcmp(s, "no") == 0)
		*policy = RESTART_NO;
	else if (strcmp(s, "always") == 0)
		*policy = RESTART_ALWAYS;
	else if (strncmp(s, "on-failure", 10) == 0 && (!s[10] || s[10] == ':'))
		*policy = RESTART_ON_FAILURE;
	else
		return -1;
	if (*policy == RESTART_ON_FAILURE && s[10] &&
	    (parse_ulong(s + 11, 1000000000UL, max) < 0 || *max == 0))
		return -1;
	return 0;
}

static void
set_restart(struct options *o, const char *s, const char *src)
{
	if (restart_parse(s, &o->restart, &o->restart_max) < 0)
		usage_error(src, s, ": expected no, on-failure[:N] or always (N > 0)");
}

/* Exactly 16 hexadecimal digits: a ksigset as the launcher writes it. */
static int
parse_sigset(const char *s, ksigset *out)
{
	ksigset v = 0;
	int i;

	for (i = 0; i < 16; i++, s++) {
		unsigned d = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0') :
		             *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10) : 16;
		if (d == 16)
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* MASK:IGNORED from mocker's launcher (common/mocker.h). The marker in the
 * message is how the launcher knows this binary takes the option. */
static void
set_launcher_signals(struct options *o, const char *s, const char *src)
{
	if (strlen(s) != 33 || s[16] != ':' || parse_sigset(s, &o->payload_mask) < 0 ||
	    parse_sigset(s + 17, &o->payload_ignored) < 0)
		usage_error(src, s, ": expected MASK:IGNORED in hex (" INIT_MARKER ")");
	o->launcher_signals = 1;
}

static __attribute__((noreturn)) void
print_and_exit(const char *text, size_t len)
{
	_exit(write_all(1, text, len) < 0 ? 1 : 0);
}

/* Applies one option; src names it in messages (-t, --grace, or a variable). */
static void
apply(struct options *o, int id, const char *arg, const char *src)
{
	unsigned long n;

	switch (id) {
	case O_HOSTNAME:  o->hostname = arg; break;
	/* booleans: NULL is on (a flag, a true variable), "" off (a false one) */
	case O_NO_PROC:   o->no_proc = !arg; break;
	case O_PGROUP:    o->pgroup = !arg; break;
	case O_SUBREAPER: break; /* automatic when not PID 1 */
	case O_PDEATHSIG:
		if ((o->pdeathsig = sig_parse(arg)) < 0)
			usage_error(src, arg, ": unknown signal");
		break;
	case O_EXPECT:
		if (src[0] == '-')
			add_expect(o, arg, src);
		else
			each_item(arg, add_expect, o, src);
		break;
	case O_REWRITE:
		if (src[0] == '-')
			add_rewrite(o, arg, src);
		else
			each_item(arg, add_rewrite, o, src);
		break;
	case O_GRACE:
		if (parse_seconds_ms(arg, 100000000UL, &o->grace_ms) < 0)
			usage_error(src, arg, ": expected seconds, fractions allowed");
		break;
	case O_EXEC:      o->exec = !arg; break;
	case O_RESTART:   set_restart(o, arg, src); break;
	case O_SERVICES:  o->services = arg; break;
	case O_PAUSE:     o->pause = !arg; break;
	case O_USER:
		if (!*arg)
			usage_error(src, arg, ": expected USER[:GROUP]");
		o->user = arg;
		break;
	case O_VERBOSE:
		if (src[0] != '-') {
			if (parse_ulong(arg, 9, &n) < 0)
				usage_error(src, arg, ": expected a level, 0-3");
			log_verbosity = (int)n;
		} else {
			log_verbosity++;
		}
		break;
	case O_WARN_REAP: o->warn_reap = !arg; break;
	case O_LAUNCHER_SIGNALS: set_launcher_signals(o, arg, src); break;
	case O_VERSION:
		/* The form Docker parses from its --init binary ("tini version
		 * X - git.Y", as catatonit prints too), so that mocker-init can
		 * be dockerd's --init-path. */
		print_and_exit(VERSION_LINE, sizeof VERSION_LINE - 1);
	case O_HELP:
		print_and_exit(help, sizeof help - 1);
	case O_ENV_FILES: o->env_files = !arg; break;
	case O_LICENSE:   print_and_exit(license, sizeof license - 1);
	}
}

/* A boolean variable: 1/yes/true/on or 0/no/false/off/empty. */
static int
env_bool(const char *name, const char *v)
{
	static const char words[] = "1\0yes\0true\0on\0" "0\0no\0false\0off\0";
	const char *w;
	int i;

	if (!*v)
		return 0;
	for (w = words, i = 0; *w; w += strlen(w) + 1, i++)
		if (strcmp(v, w) == 0)
			return i < 4;
	usage_error(name, v, ": expected 1 or 0");
}

static void
parse_env(struct options *o)
{
	const char *v;
	size_t i;

	/* tini's names first, so that ours win over them. */
	if (getenv("TINI_SUBREAPER"))
		apply(o, O_SUBREAPER, NULL, "TINI_SUBREAPER");
	if (getenv("TINI_KILL_PROCESS_GROUP"))
		apply(o, O_PGROUP, NULL, "TINI_KILL_PROCESS_GROUP");
	if ((v = getenv("TINI_VERBOSITY")))
		apply(o, O_VERBOSE, v, "TINI_VERBOSITY");
	if ((v = getenv(ENV_PREFIX "VERBOSITY")))
		apply(o, O_VERBOSE, v, ENV_PREFIX "VERBOSITY");
	if ((v = getenv(ENV_PREFIX "ENV_FILES")))
		apply(o, O_ENV_FILES, env_bool(ENV_PREFIX "ENV_FILES", v) ? NULL : "",
		      ENV_PREFIX "ENV_FILES");

	for (i = 0; i < NOPTS; i++) {
		char name[32] = ENV_PREFIX, *p = name + sizeof ENV_PREFIX - 1;
		const char *l;
		if (!opts[i].env)
			continue;
		for (l = long_name(i); *l; l++) /* --no-proc: MOCKER_INIT_NO_PROC */
			*p++ = *l == '-' ? '_' : (char)(*l - 'a' + 'A');
		if (!(v = getenv(name)))
			continue;
		if (opts[i].has_arg) {
			if (*v)
				apply(o, (int)i, v, name);
		} else {
			apply(o, (int)i, env_bool(name, v) ? NULL : "", name);
		}
	}
}

static const struct opt *
find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strlen(long_name(i)) == len && memcmp(long_name(i), name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct opt *
find_short(char c)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].shrt == c)
			return &opts[i];
	return NULL;
}

void
options_parse(struct options *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof *o);
	o->grace_ms = GRACE_MS_DEFAULT;
	for (i = 0; i <= SIG_MAX; i++)
		o->rewrite[i] = (unsigned char)i;
	parse_env(o);

	/* Options end at "--" or at the first word that is not one, so that the
	 * payload's own options are never taken for ours. */
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct opt *op;

		if (a[0] != '-' || !a[1])
			break;
		if (a[1] == '-') {
			char *eq;
			if (!a[2]) {
				i++;
				break;
			}
			eq = strchr(a + 2, '=');
			op = find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (!op)
				usage_error("unknown option", a, "");
			if (op->has_arg && !eq && i + 1 >= argc)
				usage_error("option", a, " needs a value");
			if (!op->has_arg && eq)
				usage_error("option", a, " takes no value");
			if (eq)
				*eq = 0; /* messages name "--grace", not "--grace=x" */
			apply(o, (int)(op - opts), op->has_arg ? (eq ? eq + 1 : argv[++i]) : NULL, a);
			continue;
		}
		for (a++; *a; a++) {
			char src[3] = { '-', *a, 0 };
			if (!(op = find_short(*a)))
				usage_error("unknown option", src, "");
			if (!op->has_arg) {
				apply(o, (int)(op - opts), NULL, src);
				continue;
			}
			if (a[1]) {
				apply(o, (int)(op - opts), a + 1, src);
			} else {
				if (i + 1 >= argc)
					usage_error("option", src, " needs a value");
				apply(o, (int)(op - opts), argv[++i], src);
			}
			break;
		}
	}
	o->argv = i < argc ? argv + i : NULL;
}
