/* `mocker run` options into a struct config: every check that needs no
 * system call happens here, before anything is created. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "about.h"
#include "caps.h"
#include "config.h"
#include "log.h"
#include "hostname.h"

static const char usage_text[] =
"usage: mocker run [OPTION]... ROOTFS [COMMAND [ARG]...]\n"
"Runs COMMAND (default /bin/sh) in the root filesystem ROOTFS, in new PID,\n"
"mount, UTS, IPC, network and cgroup namespaces, with mocker-init as PID 1.\n"
"\n"
"      --hostname NAME      hostname (default: from the image directory's name)\n"
"  -e, --env KEY[=VALUE]    set a variable (KEY alone: take it from here)\n"
"  -w, --workdir DIR        working directory inside (default /)\n"
"  -u, --user USER[:GROUP]  run as USER, looked up in the image\n"
"  -v, --volume HOST:DEST[:ro]  bind a host path into the container\n"
"      --read-only          make the root filesystem read-only\n"
"      --tmpfs PATH         mount a fresh tmpfs at PATH\n"
"      --net none|host      none: own network with loopback (default)\n"
"      --init PATH          run this init (bound read-only) as PID 1\n"
"      --no-init            run COMMAND itself as PID 1\n"
"  -t, --tty                a terminal of its own even when not run from one\n"
"  -i, --interactive        (accepted: stdin is always passed on)\n"
"      --memory SIZE        memory limit (k, m, g suffixes)\n"
"      --pids-limit N       process limit\n"
"      --cpus FLOAT         CPU limit, in CPUs\n"
"      --cap-add CAP        add a capability to the default set (ALL)\n"
"      --cap-drop CAP       drop a capability (ALL)\n"
"      --security-opt seccomp=unconfined|no-new-privileges=false\n"
"      --userns[=BASE:SIZE] map container root to BASE (default 100000:65536)\n"
"      --overlay[=DIR]      copy-on-write root; changes in DIR, else thrown away\n"
"  -q, --quiet              no warnings\n"
"      --verbose            say what is done\n"
"  -h, --help               this help\n"
"  -V, --version            the version\n"
"\n"
"Exit status: the container's; 125 mocker failed; 126 the command cannot be\n"
"executed; 127 the command was not found. See mocker(1).\n"
"mocker is free software under the MIT license (LICENSE).\n";

enum {
	OPT_HOSTNAME = 256, OPT_READ_ONLY, OPT_TMPFS, OPT_NET, OPT_INIT, OPT_NO_INIT,
	OPT_MEMORY, OPT_PIDS, OPT_CPUS, OPT_CAP_ADD, OPT_CAP_DROP, OPT_SECURITY,
	OPT_USERNS, OPT_OVERLAY, OPT_VERBOSE,
};

static const struct option long_opts[] = {
	{ "hostname",     required_argument, NULL, OPT_HOSTNAME },
	{ "env",          required_argument, NULL, 'e' },
	{ "workdir",      required_argument, NULL, 'w' },
	{ "user",         required_argument, NULL, 'u' },
	{ "volume",       required_argument, NULL, 'v' },
	{ "read-only",    no_argument,       NULL, OPT_READ_ONLY },
	{ "tmpfs",        required_argument, NULL, OPT_TMPFS },
	{ "net",          required_argument, NULL, OPT_NET },
	{ "network",      required_argument, NULL, OPT_NET },
	{ "init",         required_argument, NULL, OPT_INIT },
	{ "no-init",      no_argument,       NULL, OPT_NO_INIT },
	{ "memory",       required_argument, NULL, OPT_MEMORY },
	{ "pids-limit",   required_argument, NULL, OPT_PIDS },
	{ "cpus",         required_argument, NULL, OPT_CPUS },
	{ "cap-add",      required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop",     required_argument, NULL, OPT_CAP_DROP },
	{ "security-opt", required_argument, NULL, OPT_SECURITY },
	{ "userns",       optional_argument, NULL, OPT_USERNS },
	{ "overlay",      optional_argument, NULL, OPT_OVERLAY },
	{ "quiet",        no_argument,       NULL, 'q' },
	{ "tty",          no_argument,       NULL, 't' },
	{ "interactive",  no_argument,       NULL, 'i' },
	{ "verbose",      no_argument,       NULL, OPT_VERBOSE },
	{ "help",         no_argument,       NULL, 'h' },
	{ "version",      no_argument,       NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* How the user wrote the option getopt reports as val: "-e", or the
 * word that held a long one ("--network", of "--network" or "--net"). */
static const char *
option_name(int val, const char *word)
{
	static char buf[64];

	if (word && strncmp(word, "--", 2) == 0)
		snprintf(buf, sizeof buf, "%.*s", (int)strcspn(word, "="), word);
	else
		snprintf(buf, sizeof buf, "-%c", val);
	return buf;
}

static __attribute__((noreturn)) void
bad(const char *what, const char *arg, const char *why)
{
	die(EXIT_SETUP, "%s '%s': %s (see mocker run --help)", what, arg, why);
}

/* "512m" → bytes. */
static uint64_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		bad("--memory", s, "expected a size such as 64m");
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	case 'b': case 'B': end++; break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (errno || *end || end == s || v == 0 || v > UINT64_MAX / mult)
		bad("--memory", s, "expected a size such as 64m");
	if (v * mult < (4ULL << 20))
		bad("--memory", s, "the minimum is 4m");
	return v * mult;
}

static long
parse_count(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		bad(opt, s, "expected a number");
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		bad(opt, s, "expected a number in range");
	return v;
}

/* "1.5" CPUs → microseconds per 100 ms period. */
static uint64_t
parse_cpus(const char *s)
{
	char *end;
	double v;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		bad("--cpus", s, "expected a number of CPUs such as 0.5");
	v = strtod(s, &end);
	if (errno || *end || !(v >= 0.01) || v > 4096)
		bad("--cpus", s, "expected a number of CPUs such as 0.5");
	return (uint64_t)(v * 100000.0 + 0.5);
}

static void
parse_volume(struct config *c, char *spec)
{
	struct volume *v;
	char *colon, *mode;

	if (c->nvolumes == MAX_VOLUMES)
		bad("--volume", spec, "too many volumes");
	v = &c->volumes[c->nvolumes];
	colon = strchr(spec, ':');
	if (!colon || colon == spec || !colon[1])
		bad("--volume", spec, "expected HOST:CONTAINER[:ro]");
	if (spec[0] != '/' || colon[1] != '/')
		bad("--volume", spec, "paths must be absolute");
	*colon = 0;
	v->host = spec;
	v->dest = colon + 1;
	if ((mode = strchr(colon + 1, ':'))) {
		*mode++ = 0;
		if (strcmp(mode, "ro") == 0)
			v->readonly = 1;
		else if (strcmp(mode, "rw") != 0)
			bad("--volume", mode, "expected ro or rw");
	}
	c->nvolumes++;
}

static void
parse_userns(struct config *c, const char *arg)
{
	char *end;
	unsigned long base, size;

	c->userns = 1;
	c->userns_base = USERNS_BASE;
	c->userns_size = USERNS_SIZE;
	if (!arg)
		return;
	errno = 0;
	base = strtoul(arg, &end, 10);
	if (errno || end == arg || *end != ':' || arg[0] == '-')
		bad("--userns", arg, "expected BASE:SIZE");
	size = strtoul(end + 1, &end, 10);
	if (errno || *end || size == 0 || base == 0 || base > UINT32_MAX - size)
		bad("--userns", arg, "expected BASE:SIZE, BASE > 0");
	c->userns_base = (uid_t)base;
	c->userns_size = (uid_t)size;
}

static void
parse_security(struct config *c, const char *arg)
{
	if (strcmp(arg, "seccomp=unconfined") == 0)
		c->seccomp = 0;
	else if (strcmp(arg, "no-new-privileges=false") == 0 ||
	         strcmp(arg, "no-new-privileges:false") == 0)
		c->no_new_privs = 0;
	else if (strcmp(arg, "no-new-privileges") == 0 ||
	         strcmp(arg, "no-new-privileges=true") == 0 ||
	         strcmp(arg, "no-new-privileges:true") == 0)
		c->no_new_privs = 1;
	else
		bad("--security-opt", arg,
		    "expected seccomp=unconfined or no-new-privileges=false");
}

static void
parse_cap(uint64_t *set, const char *opt, const char *arg)
{
	int cap;

	if (strcasecmp(arg, "ALL") == 0) {
		*set = CAPS_ALL;
		return;
	}
	if ((cap = cap_parse(arg)) < 0)
		bad(opt, arg, "unknown capability");
	*set |= 1ULL << cap;
}

void
config_parse(struct config *c, int argc, char **argv)
{
	int opt;

	memset(c, 0, sizeof *c);
	c->seccomp = 1;
	c->no_new_privs = 1;
	opterr = 0;
	optind = 1;
	/* "+": stop at ROOTFS, so the command's options stay its own; ":": a
	 * missing value is told apart from an unknown option. */
	while ((opt = getopt_long(argc, argv, "+:e:w:u:v:qhVti", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_HOSTNAME:
			if (!hostname_valid(optarg))
				bad("--hostname", optarg,
				    "letters, digits, '-' and '.', at most 64 bytes");
			c->hostname = optarg;
			break;
		case 'e':
			if (c->nenv == MAX_ENV)
				bad("--env", optarg, "too many variables");
			if (!*optarg || *optarg == '=')
				bad("--env", optarg, "expected KEY=VALUE");
			c->env[c->nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/')
				bad("--workdir", optarg, "must be an absolute path");
			c->workdir = optarg;
			break;
		case 'u':
			if (!*optarg || *optarg == ':')
				bad("--user", optarg, "expected USER[:GROUP]");
			c->user = optarg;
			break;
		case 'v':
			parse_volume(c, optarg);
			break;
		case OPT_READ_ONLY:
			c->read_only = 1;
			break;
		case OPT_TMPFS:
			if (c->ntmpfs == MAX_TMPFS)
				bad("--tmpfs", optarg, "too many");
			if (optarg[0] != '/' || !optarg[1])
				bad("--tmpfs", optarg, "expected an absolute path other than /");
			c->tmpfs[c->ntmpfs++] = optarg;
			break;
		case OPT_NET:
			if (strcmp(optarg, "none") == 0)
				c->net = NET_NONE;
			else if (strcmp(optarg, "host") == 0)
				c->net = NET_HOST;
			else
				bad("--net", optarg, "expected none or host");
			break;
		case OPT_INIT:
			if (!*optarg)
				bad("--init", optarg, "expected a path");
			c->init_path = optarg;
			break;
		case OPT_NO_INIT:
			c->no_init = 1;
			break;
		case OPT_MEMORY:
			c->memory = parse_size(optarg);
			break;
		case OPT_PIDS:
			c->pids_limit = parse_count("--pids-limit", optarg, 1, 1L << 22);
			break;
		case OPT_CPUS:
			c->cpu_quota_us = parse_cpus(optarg);
			break;
		case OPT_CAP_ADD:
			parse_cap(&c->cap_add, "--cap-add", optarg);
			break;
		case OPT_CAP_DROP:
			parse_cap(&c->cap_drop, "--cap-drop", optarg);
			break;
		case OPT_SECURITY:
			parse_security(c, optarg);
			break;
		case OPT_USERNS:
			parse_userns(c, optarg);
			break;
		case OPT_OVERLAY:
			c->overlay = 1;
			if (optarg && optarg[0] != '/')
				bad("--overlay", optarg, "expected an absolute directory");
			c->overlay_upper = optarg;
			break;
		case 'q':
			log_quiet = 1;
			break;
		case 't':
			c->tty = 1;
			break;
		case 'i':
			break;
		case OPT_VERBOSE:
			log_verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(fflush(stdout) == 0 ? 0 : 1);
		case 'V':
			exit(about_version());
		case ':':
			die(EXIT_SETUP, "option '%s' needs a value (see mocker run --help)",
			    option_name(optopt, optind - 1 < argc ? argv[optind - 1] : NULL));
		default:
			if (optopt > 0 && optopt < 256)
				die(EXIT_SETUP, "unknown option '-%c' (see mocker run --help)", optopt);
			die(EXIT_SETUP, "unknown option '%s' (see mocker run --help)",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		die(EXIT_SETUP, "no ROOTFS given (usage: mocker run [OPTION]... ROOTFS "
		    "[COMMAND [ARG]...])");
	c->rootfs = argv[optind++];
	if (!*c->rootfs)
		die(EXIT_SETUP, "empty ROOTFS");
	c->argv = optind < argc ? argv + optind : NULL;
	if (c->no_init && c->init_path)
		die(EXIT_SETUP, "--init and --no-init exclude each other");
}
