#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "caps.h"
#include "hostname.h"
#include "log.h"
#include "mountapi.h"
#include "option_values.h"
#include "signame.h"

void
opt_bad(const char *opt, const char *arg, const char *why)
{
	die(EXIT_SETUP, "%s '%s': %s (see mocker run --help)", opt, arg, why);
}

/* A number with an optional k, m, g (b) suffix; 0 for bad. */
static uint64_t
size_value(const char *s)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		return 0;
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
		return 0;
	return v * mult;
}

uint64_t
opt_size(const char *opt, const char *s, uint64_t min)
{
	uint64_t v = size_value(s);

	if (!v)
		opt_bad(opt, s, "expected a size such as 64m");
	if (v < min)
		opt_bad(opt, s, min == 4ULL << 20 ? "the minimum is 4m" : "too small");
	return v;
}

long
opt_count(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	if (!*s || *s == '+' || (*s == '-' && min >= 0))
		opt_bad(opt, s, "expected a number");
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		opt_bad(opt, s, "expected a number in range");
	return v;
}

uint64_t
opt_cpus(const char *s)
{
	char *end;
	double v;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		opt_bad("--cpus", s, "expected a number of CPUs such as 0.5");
	v = strtod(s, &end);
	if (errno || *end || !(v >= 0.01) || v > 4096)
		opt_bad("--cpus", s, "expected a number of CPUs such as 0.5");
	return (uint64_t)(v * 100000.0 + 0.5);
}

/* HOST:CONTAINER[:OPTIONS], options comma-separated as Podman takes them:
 * ro, rw, U (chown to the container's user), idmap, z and Z (SELinux
 * labels: nothing to do here). */
void
opt_volume(struct config *c, char *spec)
{
	struct volume *v;
	char *colon, *opts, *o, *save = NULL;

	if (c->nvolumes == MAX_VOLUMES)
		opt_bad("--volume", spec, "too many volumes");
	v = &c->volumes[c->nvolumes];
	memset(v, 0, sizeof *v);
	colon = strchr(spec, ':');
	if (!colon || colon == spec || !colon[1])
		opt_bad("--volume", spec, "expected HOST:CONTAINER[:OPTIONS]");
	if (spec[0] != '/' || colon[1] != '/')
		opt_bad("--volume", spec, "paths must be absolute");
	*colon = 0;
	v->host = spec;
	v->dest = colon + 1;
	if ((opts = strchr(colon + 1, ':'))) {
		*opts++ = 0;
		for (o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
			if (strcmp(o, "ro") == 0)
				v->readonly = 1;
			else if (strcmp(o, "rw") == 0)
				v->readonly = 0;
			else if (strcmp(o, "U") == 0)
				v->chown = 1;
			else if (strcmp(o, "idmap") == 0)
				v->idmap = 1;
			else if (strcmp(o, "z") != 0 && strcmp(o, "Z") != 0)
				opt_bad("--volume", o, "unknown option (ro, rw, U, idmap, z, Z)");
		}
	}
	c->nvolumes++;
}

/* PATH[:OPTIONS], Docker's options: size=, mode=, uid=, gid=, ro, rw,
 * exec, noexec, nosuid, nodev. Docker's defaults: noexec, nosuid, nodev,
 * mode 1777. */
void
opt_tmpfs(struct config *c, char *spec)
{
	static char sizes[MAX_TMPFS][32];
	struct tmpfs *t;
	char *colon = strchr(spec, ':'), *o, *save = NULL, *end;
	int n = 0, have_mode = 0;

	if (c->ntmpfs == MAX_TMPFS)
		opt_bad("--tmpfs", spec, "too many");
	t = &c->tmpfs[c->ntmpfs];
	memset(t, 0, sizeof *t);
	if (colon)
		*colon = 0;
	if (spec[0] != '/' || !spec[1])
		opt_bad("--tmpfs", spec, "expected an absolute path other than /");
	t->path = spec;
	t->attr = MA_NOEXEC | MA_NOSUID | MA_NODEV;
	for (o = colon ? strtok_r(colon + 1, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "size=", 5) == 0) {
			uint64_t size = size_value(o + 5);
			if (!size)
				opt_bad("--tmpfs", o, "expected size=SIZE such as size=64m");
			snprintf(sizes[c->ntmpfs], sizeof sizes[0], "size=%llu",
			         (unsigned long long)size);
			t->options[n++] = sizes[c->ntmpfs];
		} else if (strncmp(o, "mode=", 5) == 0) {
			unsigned long m = strtoul(o + 5, &end, 8);
			if (!o[5] || *end || m > 07777)
				opt_bad("--tmpfs", o, "expected mode=OCTAL such as mode=1777");
			t->options[n++] = o;
			have_mode = 1;
		} else if (strncmp(o, "uid=", 4) == 0 || strncmp(o, "gid=", 4) == 0) {
			errno = 0;
			if (!o[4] || strtoul(o + 4, &end, 10) > UINT32_MAX - 1 || *end || errno)
				opt_bad("--tmpfs", o, "expected uid=NUMBER or gid=NUMBER");
			t->options[n++] = o;
		} else if (strcmp(o, "ro") == 0) {
			t->attr |= MA_RDONLY;
		} else if (strcmp(o, "rw") == 0) {
			t->attr &= ~(unsigned)MA_RDONLY;
		} else if (strcmp(o, "exec") == 0) {
			t->attr &= ~(unsigned)MA_NOEXEC;
		} else if (strcmp(o, "noexec") == 0) {
			t->attr |= MA_NOEXEC;
		} else if (strcmp(o, "nosuid") == 0) {
			t->attr |= MA_NOSUID;
		} else if (strcmp(o, "nodev") == 0) {
			t->attr |= MA_NODEV;
		} else if (strcmp(o, "dev") == 0 || strcmp(o, "suid") == 0) {
			opt_bad("--tmpfs", o, "not allowed: device nodes and setuid programs "
			        "stay inert in a container");
		} else {
			opt_bad("--tmpfs", o, "unknown option (size=, mode=, uid=, gid=, ro, rw, "
			        "exec, noexec, nosuid, nodev)");
		}
		if (n >= TMPFS_MAX_OPTIONS - 1)
			opt_bad("--tmpfs", o, "too many options");
	}
	if (!have_mode)
		t->options[n++] = "mode=1777";
	t->options[n] = NULL;
	c->ntmpfs++;
}

static const struct { const char *name; int resource; } rlimits[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME },
	{ "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

int
rlimit_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
		if (strcasecmp(name, rlimits[i].name) == 0)
			return rlimits[i].resource;
	return -1;
}

/* A limit's value: a number, or -1 / unlimited. 0 ok, -1 bad. */
static int
rlimit_value(const char *s, unsigned long long *v)
{
	char *end;

	if (strcmp(s, "unlimited") == 0 || strcmp(s, "-1") == 0) {
		*v = RLIM_INFINITY;
		return 0;
	}
	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		return -1;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* NAME=SOFT[:HARD], as Docker's --ulimit. */
void
opt_ulimit(struct config *c, const char *spec)
{
	char name[32], soft[32], hard[32];
	const char *eq = strchr(spec, '='), *colon;
	struct ulimit *u;
	size_t i;

	if (c->nulimits == MAX_ULIMITS)
		opt_bad("--ulimit", spec, "too many");
	u = &c->ulimits[c->nulimits];
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof name)
		opt_bad("--ulimit", spec, "expected NAME=SOFT[:HARD] such as nofile=1024:4096");
	snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
	for (i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
		if (strcmp(name, rlimits[i].name) == 0)
			break;
	if (i == sizeof rlimits / sizeof rlimits[0])
		opt_bad("--ulimit", name, "unknown limit (as, core, cpu, data, fsize, locks, "
		        "memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, "
		        "sigpending, stack)");
	u->resource = rlimits[i].resource;
	colon = strchr(eq + 1, ':');
	snprintf(soft, sizeof soft, "%.*s", colon ? (int)(colon - eq - 1) : 31, eq + 1);
	snprintf(hard, sizeof hard, "%s", colon ? colon + 1 : soft);
	if (rlimit_value(soft, &u->soft) < 0 || rlimit_value(hard, &u->hard) < 0)
		opt_bad("--ulimit", spec, "expected numbers or unlimited, NAME=SOFT[:HARD]");
	if (u->soft > u->hard)
		opt_bad("--ulimit", spec, "the soft limit is above the hard one");
	c->nulimits++;
}

static int
is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* NAME:IP (an IPv6 address keeps its colons: the first one splits). */
void
opt_add_host(struct config *c, char *spec)
{
	char *sep = strpbrk(spec, ":=");

	if (c->nhosts == MAX_HOSTS)
		opt_bad("--add-host", spec, "too many");
	if (!sep || sep == spec)
		opt_bad("--add-host", spec, "expected NAME:IP");
	*sep = 0;
	if (!hostname_valid(spec)) {
		*sep = ':';
		opt_bad("--add-host", spec, "not a valid host name");
	}
	if (!is_ip(sep + 1)) {
		*sep = ':';
		opt_bad("--add-host", spec, "not an IPv4 or IPv6 address after the name");
	}
	c->hosts[c->nhosts].name = spec;
	c->hosts[c->nhosts++].ip = sep + 1;
}

void
opt_dns(struct config *c, const char *ip)
{
	if (c->ndns == MAX_DNS)
		opt_bad("--dns", ip, "too many");
	if (!is_ip(ip))
		opt_bad("--dns", ip, "expected an IPv4 or IPv6 address");
	c->dns[c->ndns++] = ip;
}

void
opt_dns_search(struct config *c, const char *domain)
{
	if (c->ndns_search == MAX_DNS)
		opt_bad("--dns-search", domain, "too many");
	if (strcmp(domain, ".") != 0 && !hostname_valid(domain))
		opt_bad("--dns-search", domain, "expected a domain name");
	c->dns_search[c->ndns_search++] = domain;
}

void
opt_dns_option(struct config *c, const char *option)
{
	if (c->ndns_options == MAX_DNS)
		opt_bad("--dns-option", option, "too many");
	if (!*option || strpbrk(option, " \t\n"))
		opt_bad("--dns-option", option, "expected a resolv.conf option such as ndots:2");
	c->dns_options[c->ndns_options++] = option;
}

/* KEY=VALUE, or KEY to take it from here. */
void
opt_env(struct config *c, const char *opt, const char *kv)
{
	size_t k = strcspn(kv, "=");

	if (c->nenv == MAX_ENV)
		opt_bad(opt, kv, "too many variables");
	if (k == 0)
		opt_bad(opt, kv, "expected KEY=VALUE");
	if (strcspn(kv, " \t\n") < k)
		opt_bad(opt, kv, "the name has white space");
	c->env[c->nenv++] = kv;
}

/* Docker's format: KEY=VALUE or KEY per line, # comments and blank lines
 * skipped, values taken as they are (no quotes removed). */
void
opt_env_file(struct config *c, const char *path)
{
	char line[65536], where[PATH_MAX + 32];
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		die_errno(EXIT_SETUP, "--env-file '%s'", path);
	while (fgets(line, sizeof line, f)) {
		size_t len = strlen(line);
		char *s = line, *copy;
		n++;
		if (len == sizeof line - 1 && line[len - 1] != '\n')
			die(EXIT_SETUP, "--env-file '%s': line %d is too long", path, n);
		line[strcspn(line, "\r\n")] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		snprintf(where, sizeof where, "--env-file %s:%d", path, n);
		if (!(copy = strdup(s)))
			die(EXIT_SETUP, "out of memory");
		opt_env(c, where, copy);
	}
	fclose(f);
}

void
opt_group_add(struct config *c, const char *group)
{
	if (c->ngroups == MAX_GROUPS)
		opt_bad("--group-add", group, "too many");
	if (!*group || strchr(group, ':'))
		opt_bad("--group-add", group, "expected a group name or number");
	c->groups[c->ngroups++] = group;
}

void
opt_userns(struct config *c, const char *arg)
{
	char *end;
	unsigned long base, size;

	c->userns = 1;
	c->userns_base = USERNS_BASE;
	c->userns_size = USERNS_SIZE;
	if (!arg)
		return;
	if (strcmp(arg, "keep-id") == 0) {
		c->userns_keep_id = 1;
		return;
	}
	if (strcmp(arg, "auto") == 0) {
		c->userns_size = 0;
		return;
	}
	errno = 0;
	base = strtoul(arg, &end, 10);
	if (errno || end == arg || *end != ':' || arg[0] == '-')
		opt_bad("--userns", arg, "expected BASE:SIZE, auto or keep-id");
	size = strtoul(end + 1, &end, 10);
	if (errno || *end || size == 0 || base == 0 || base > UINT32_MAX - size)
		opt_bad("--userns", arg, "expected BASE:SIZE, BASE > 0");
	c->userns_base = (uid_t)base;
	c->userns_size = (uid_t)size;
}

void
opt_security(struct config *c, const char *arg)
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
		opt_bad("--security-opt", arg,
		        "expected seccomp=unconfined or no-new-privileges=false");
}

void
opt_cap(uint64_t *set, const char *opt, const char *arg)
{
	int cap;

	if (strcasecmp(arg, "ALL") == 0) {
		*set = CAPS_ALL;
		return;
	}
	if ((cap = cap_parse(arg)) < 0)
		opt_bad(opt, arg, "unknown capability");
	*set |= 1ULL << cap;
}

int
opt_signal(const char *opt, const char *s)
{
	int sig = sig_parse(s);

	if (sig <= 0 || sig == 9 /* KILL */ || sig == 19 /* STOP */)
		opt_bad(opt, s, "expected a signal that can be caught, such as TERM or QUIT");
	return sig;
}

/* no, on-failure[:N], always, unless-stopped (which is always here: there
 * is no daemon to remember a stop). */
const char *
opt_restart(const char *s)
{
	char *end;

	if (strcmp(s, "no") == 0 || strcmp(s, "always") == 0)
		return s;
	if (strcmp(s, "unless-stopped") == 0)
		return "always";
	if (strncmp(s, "on-failure", 10) == 0) {
		if (!s[10])
			return s;
		if (s[10] == ':' && s[11] && strtoul(s + 11, &end, 10) > 0 && !*end && s[11] != '-')
			return s;
	}
	opt_bad("--restart", s, "expected no, on-failure[:N], always or unless-stopped");
}
