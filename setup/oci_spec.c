/*
 * A bundle's config.json (OCI runtime spec, config.md and config-linux.md)
 * into a struct config and a struct oci, with jansson. Every field is
 * either applied or refused with one line naming it: a config asks for a
 * protection, and one silently dropped would be a container without it.
 * The bundle's rootfs is as untrusted as an image: nothing here opens a
 * path inside it; the plan does, through descriptors.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "hostname.h"
#include "log.h"
#include "mountapi.h"
#include "oci.h"
#include "oci_state.h"
#include "option_values.h"

/* One line naming the field, exit 1 (the format a string literal). */
#define bad(...) die(EXIT_FAILURE, "config.json: " __VA_ARGS__)

/* Refuses any member of obj not in known (NULL-terminated): a field we
 * do not apply is never passed over. */
static void
only(json_t *obj, const char *where, const char *const *known)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		bad("%s: expected an object", where);
	json_object_foreach(obj, key, v) {
		for (i = 0; known[i]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (!known[i])
			bad("%s.%s: not supported by mocker", where, key);
	}
}

static const char *
str(json_t *v, const char *where)
{
	if (!json_is_string(v))
		bad("%s: expected a string", where);
	return json_string_value(v);
}

static long long
num(json_t *v, const char *where, long long min, long long max)
{
	long long n;

	if (!json_is_integer(v))
		bad("%s: expected an integer", where);
	n = json_integer_value(v);
	if (n < min || n > max)
		bad("%s: %lld is out of range", where, n);
	return n;
}

static int
boolean(json_t *v, const char *where)
{
	if (!json_is_boolean(v))
		bad("%s: expected true or false", where);
	return json_is_true(v);
}

/* An array of strings as a NULL-terminated vector (in the JSON's memory,
 * which lives as long as the launcher). */
static char **
strings(json_t *a, const char *where)
{
	size_t i, n;
	char **v;
	char at[128];

	if (!json_is_array(a))
		bad("%s: expected an array of strings", where);
	n = json_array_size(a);
	if (!(v = calloc(n + 1, sizeof *v)))
		die(EXIT_FAILURE, "out of memory");
	for (i = 0; i < n; i++) {
		snprintf(at, sizeof at, "%s[%zu]", where, i);
		v[i] = (char *)str(json_array_get(a, i), at);
	}
	return v;
}

/* A label has no meaning on a host without SELinux (as crun): a warning.
 * With SELinux enforcing, mocker cannot apply it: an error. */
static void
selinux_label(const char *where)
{
	if (access("/sys/fs/selinux/enforce", F_OK) == 0)
		bad("%s: SELinux labels are not supported by mocker", where);
	warnx_("%s: ignored, SELinux is not enabled on this host", where);
}

static void
load_caps(json_t *caps, struct oci *o)
{
	static const char *const sets[] = { "bounding", "effective", "permitted",
		"inheritable", "ambient", NULL };
	char at[64];
	size_t i, k;

	only(caps, "process.capabilities", sets);
	for (k = 0; k < CAP_SETS; k++) {
		json_t *a = json_object_get(caps, sets[k]);
		o->caps[k] = 0;
		if (!a)
			continue;
		snprintf(at, sizeof at, "process.capabilities.%s", sets[k]);
		if (!json_is_array(a))
			bad("%s: expected an array", at);
		for (i = 0; i < json_array_size(a); i++) {
			const char *name = str(json_array_get(a, i), at);
			int cap = strncasecmp(name, "CAP_", 4) == 0 ? cap_parse(name) : -1;
			if (cap < 0 || cap > caps_last())
				bad("%s: unknown capability '%s'", at, name);
			o->caps[k] |= 1ULL << cap;
		}
	}
}

static void
load_user(json_t *user, struct config *c, struct oci *o)
{
	static const char *const known[] = { "uid", "gid", "umask", "additionalGids",
		"username", NULL };
	static char spec[32];
	json_t *v;
	size_t i;

	only(user, "process.user", known);
	o->uid = (uid_t)num(json_object_get(user, "uid") ? json_object_get(user, "uid") :
	                    json_integer(0), "process.user.uid", 0, 0xfffffffe);
	o->gid = (gid_t)num(json_object_get(user, "gid") ? json_object_get(user, "gid") :
	                    json_integer(0), "process.user.gid", 0, 0xfffffffe);
	snprintf(spec, sizeof spec, "%u:%u", (unsigned)o->uid, (unsigned)o->gid);
	c->user = spec;
	if ((v = json_object_get(user, "umask")))
		o->umask = (int)num(v, "process.user.umask", 0, 0777);
	if ((v = json_object_get(user, "additionalGids"))) {
		if (!json_is_array(v) || json_array_size(v) > OCI_MAX_GIDS)
			bad("process.user.additionalGids: expected an array of at most %d ids",
			    OCI_MAX_GIDS);
		for (i = 0; i < json_array_size(v); i++)
			o->gids[o->ngids++] = (gid_t)num(json_array_get(v, i),
			                                 "process.user.additionalGids", 0, 0xfffffffe);
	}
	/* username: for Windows, as the spec says */
}

static void
load_rlimits(json_t *a, struct config *c)
{
	static const char *const known[] = { "type", "soft", "hard", NULL };
	size_t i;

	if (!json_is_array(a))
		bad("process.rlimits: expected an array");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *r = json_array_get(a, i);
		const char *type;
		int res;
		only(r, "process.rlimits[]", known);
		type = str(json_object_get(r, "type"), "process.rlimits[].type");
		res = strncmp(type, "RLIMIT_", 7) == 0 ? rlimit_by_name(type + 7) : -1;
		if (res < 0)
			bad("process.rlimits: unknown type '%s'", type);
		if (c->nulimits == MAX_ULIMITS)
			bad("process.rlimits: more than %d", MAX_ULIMITS);
		c->ulimits[c->nulimits].resource = res;
		c->ulimits[c->nulimits].soft = (unsigned long long)num(json_object_get(r, "soft"),
			"process.rlimits[].soft", 0, LLONG_MAX);
		c->ulimits[c->nulimits].hard = (unsigned long long)num(json_object_get(r, "hard"),
			"process.rlimits[].hard", 0, LLONG_MAX);
		if (c->ulimits[c->nulimits].soft > c->ulimits[c->nulimits].hard)
			bad("process.rlimits: %s: the soft limit is above the hard one", type);
		c->nulimits++;
	}
}

static void
load_process(json_t *p, struct config *c, struct oci *o)
{
	static const char *const known[] = { "terminal", "consoleSize", "user", "args", "env",
		"cwd", "capabilities", "rlimits", "noNewPrivileges", "oomScoreAdj",
		"apparmorProfile", "selinuxLabel", NULL };
	json_t *v;
	char **env;
	size_t i;

	only(p, "process", known);
	c->argv = strings(json_object_get(p, "args"), "process.args");
	if (!c->argv[0])
		bad("process.args: empty");
	if ((v = json_object_get(p, "env"))) {
		env = strings(v, "process.env");
		for (i = 0; env[i]; i++) {
			if (!strchr(env[i], '='))
				bad("process.env: '%s' is not KEY=VALUE", env[i]);
			if (c->nenv == MAX_ENV)
				bad("process.env: more than %d", MAX_ENV);
			c->env[c->nenv++] = env[i];
		}
		free(env); /* the strings are the JSON's */
	}
	c->workdir = str(json_object_get(p, "cwd"), "process.cwd");
	if (c->workdir[0] != '/')
		bad("process.cwd: '%s' is not an absolute path", c->workdir);
	if ((v = json_object_get(p, "terminal")))
		o->terminal = boolean(v, "process.terminal");
	if ((v = json_object_get(p, "consoleSize"))) {
		static const char *const size[] = { "height", "width", NULL };
		only(v, "process.consoleSize", size);
		o->rows = (unsigned short)num(json_object_get(v, "height"),
		                              "process.consoleSize.height", 0, 65535);
		o->cols = (unsigned short)num(json_object_get(v, "width"),
		                              "process.consoleSize.width", 0, 65535);
	}
	load_user(json_object_get(p, "user") ? json_object_get(p, "user") : json_object(), c, o);
	if ((v = json_object_get(p, "capabilities")))
		load_caps(v, o);
	if ((v = json_object_get(p, "rlimits")))
		load_rlimits(v, c);
	c->no_new_privs = (v = json_object_get(p, "noNewPrivileges")) ?
	                  boolean(v, "process.noNewPrivileges") : 0;
	if ((v = json_object_get(p, "oomScoreAdj"))) {
		o->has_oom_score_adj = 1;
		o->oom_score_adj = (int)num(v, "process.oomScoreAdj", -1000, 1000);
	}
	if ((v = json_object_get(p, "apparmorProfile")) && *str(v, "process.apparmorProfile"))
		bad("process.apparmorProfile: AppArmor is not supported by mocker");
	if ((v = json_object_get(p, "selinuxLabel")) && *str(v, "process.selinuxLabel"))
		selinux_label("process.selinuxLabel");
}

/* The mounts the plan makes itself, as every OCI caller lists them. */
static int
plan_makes(const char *dest, const char *type)
{
	static const char *const own[][2] = {
		{ "/proc", "proc" }, { "/dev", "tmpfs" }, { "/dev/pts", "devpts" },
		{ "/dev/shm", "tmpfs" }, { "/dev/mqueue", "mqueue" }, { "/sys", "sysfs" },
	};
	size_t i;

	for (i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strcmp(dest, own[i][0]) == 0 && strcmp(type, own[i][1]) == 0)
			return 1;
	return 0;
}

static void
mount_option(struct oci_mount *m, const char *opt, const char *where)
{
	static const struct { const char *name; unsigned set, clear; } attrs[] = {
		{ "ro", MA_RDONLY, 0 }, { "rw", 0, MA_RDONLY },
		{ "nosuid", MA_NOSUID, 0 }, { "suid", 0, MA_NOSUID },
		{ "nodev", MA_NODEV, 0 }, { "dev", 0, MA_NODEV },
		{ "noexec", MA_NOEXEC, 0 }, { "exec", 0, MA_NOEXEC },
		{ "strictatime", MA_STRICTATIME, 0 }, { "relatime", 0, 0 }, { "defaults", 0, 0 },
		{ "noatime", 0, 0 }, { "async", 0, 0 },
	};
	static const struct { const char *name; unsigned long flag; int rec; } props[] = {
		{ "shared", MS_SHARED, 0 }, { "rshared", MS_SHARED, 1 },
		{ "slave", MS_SLAVE, 0 }, { "rslave", MS_SLAVE, 1 },
		{ "private", MS_PRIVATE, 0 }, { "rprivate", MS_PRIVATE, 1 },
		{ "unbindable", MS_UNBINDABLE, 0 }, { "runbindable", MS_UNBINDABLE, 1 },
	};
	size_t i, n;

	for (i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (strcmp(opt, attrs[i].name) == 0) {
			m->attr = (m->attr | attrs[i].set) & ~attrs[i].clear;
			return;
		}
	for (i = 0; i < sizeof props / sizeof props[0]; i++)
		if (strcmp(opt, props[i].name) == 0) {
			m->propagation = props[i].flag;
			return;
		}
	if (strcmp(opt, "tmpcopyup") == 0) { /* runc's, which Podman gives */
		m->copy_up = 1;
		return;
	}
	if (strcmp(opt, "bind") == 0 || strcmp(opt, "rbind") == 0) {
		m->bind = 1;
		m->rec |= opt[0] == 'r';
		return;
	}
	/* anything else is the filesystem's own (size=, mode=, newinstance):
	 * the kernel refuses what it does not know, at the mount */
	for (n = 0; m->data[n]; n++)
		;
	if (n == OCI_MAX_MOUNT_DATA)
		bad("%s.options: more than %d", where, OCI_MAX_MOUNT_DATA);
	m->data[n] = opt;
}

static void
load_mounts(json_t *a, struct oci *o)
{
	static const char *const known[] = { "destination", "type", "source", "options",
		"uidMappings", "gidMappings", NULL };
	char where[64], path[PATH_MAX + 256];
	size_t i, k;

	if (!json_is_array(a))
		bad("mounts: expected an array");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *m = json_array_get(a, i), *opts;
		struct oci_mount *om = &o->mounts[o->nmounts];
		const char *dest, *type, *src;
		snprintf(where, sizeof where, "mounts[%zu]", i);
		only(m, where, known);
		if (json_object_get(m, "uidMappings") || json_object_get(m, "gidMappings"))
			bad("%s: idmapped mounts are not supported yet", where);
		dest = str(json_object_get(m, "destination"), where);
		type = json_object_get(m, "type") ? str(json_object_get(m, "type"), where) : "";
		src = json_object_get(m, "source") ? str(json_object_get(m, "source"), where) : "";
		if (dest[0] != '/')
			bad("%s.destination: '%s' is not an absolute path", where, dest);
		if (plan_makes(dest, type))
			continue;
		if (o->nmounts == OCI_MAX_MOUNTS)
			bad("mounts: more than %d", OCI_MAX_MOUNTS);
		memset(om, 0, sizeof *om);
		om->dest = dest;
		om->type = type;
		om->attr = 0;
		if ((opts = json_object_get(m, "options"))) {
			char **v = strings(opts, where);
			for (k = 0; v[k]; k++)
				mount_option(om, v[k], where);
		}
		if (strcmp(type, "bind") == 0)
			om->bind = 1;
		if (om->bind) {
			if (!*src)
				bad("%s.source: a bind mount needs one", where);
			if (src[0] != '/') { /* relative to the bundle */
				snprintf(path, sizeof path, "%s/%s", o->bundle, src);
				src = strdup(path);
			}
			om->attr |= MA_NODEV * 0; /* as given: the caller asks */
		} else if (!*type) {
			bad("%s.type: needed for a mount that is not a bind", where);
		}
		if (om->copy_up && (om->bind || strcmp(om->type, "tmpfs") != 0))
			bad("%s.options: tmpcopyup is for a tmpfs", where);
		if (!om->bind && *src) { /* what mountinfo shows */
			size_t n = strlen(src) + 8;
			char *opt = malloc(n);
			if (!opt)
				die(EXIT_FAILURE, "out of memory");
			snprintf(opt, n, "source=%s", src);
			mount_option(om, opt, where);
		}
		om->source = src;
		o->nmounts++;
	}
}

static void
load_namespaces(json_t *a, struct config *c, struct oci *o)
{
	static const struct { const char *name; unsigned long flag; } types[] = {
		{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
		{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
		{ "cgroup", CLONE_NEWCGROUP },
	};
	static const char *const known[] = { "type", "path", NULL };
	size_t i, k;
	int j;

	if (!json_is_array(a))
		bad("linux.namespaces: expected an array");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *ns = json_array_get(a, i), *path;
		const char *type;
		only(ns, "linux.namespaces[]", known);
		type = str(json_object_get(ns, "type"), "linux.namespaces[].type");
		for (k = 0; k < sizeof types / sizeof types[0]; k++)
			if (strcmp(type, types[k].name) == 0)
				break;
		if (k == sizeof types / sizeof types[0])
			bad("linux.namespaces: unknown type '%s'", type);
		if (o->ns_new & types[k].flag || (types[k].flag == CLONE_NEWNET && c->net_ns))
			bad("linux.namespaces: '%s' given twice", type);
		for (j = 0; j < o->njoin; j++)
			if (o->join[j].type == types[k].flag)
				bad("linux.namespaces: '%s' given twice", type);
		if ((path = json_object_get(ns, "path"))) {
			if (types[k].flag == CLONE_NEWNET) {
				c->net = NET_NS;
				c->net_ns = str(path, "linux.namespaces[].path");
			} else if (types[k].flag == CLONE_NEWUSER) {
				bad("linux.namespaces: joining a user namespace by path is not "
				    "supported yet");
			} else {
				o->join[o->njoin].type = types[k].flag;
				o->join[o->njoin++].path = str(path, "linux.namespaces[].path");
			}
			continue;
		}
		o->ns_new |= types[k].flag;
	}
	for (j = 0; j < o->njoin && o->join[j].type != CLONE_NEWNS; j++)
		;
	if (!(o->ns_new & CLONE_NEWNS) && j == o->njoin) {
		/* the spec: the runtime's own, then. Its mounts are the caller's
		 * to see, until delete; only chroot confines the container */
		o->caller_mounts = 1;
		warnx_("linux.namespaces: no mount namespace: the container's mounts are made "
		       "in the caller's and it is chrooted, which CAP_SYS_CHROOT escapes");
	}
	if (!c->net_ns)
		c->net = o->ns_new & CLONE_NEWNET ? NET_NONE : NET_HOST;
}

static void
load_devices(json_t *a, struct oci *o)
{
	static const char *const known[] = { "path", "type", "major", "minor", "fileMode",
		"uid", "gid", NULL };
	size_t i;

	if (!json_is_array(a))
		bad("linux.devices: expected an array");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *d = json_array_get(a, i), *v;
		struct oci_device *od = &o->devices[o->ndevices];
		const char *type;
		only(d, "linux.devices[]", known);
		if (o->ndevices == OCI_MAX_DEVICES)
			bad("linux.devices: more than %d", OCI_MAX_DEVICES);
		od->path = str(json_object_get(d, "path"), "linux.devices[].path");
		if (strncmp(od->path, "/dev/", 5) != 0 || strstr(od->path, "/../"))
			bad("linux.devices: '%s' is not a path in /dev", od->path);
		type = str(json_object_get(d, "type"), "linux.devices[].type");
		if (strcmp(type, "c") != 0 && strcmp(type, "b") != 0 && strcmp(type, "p") != 0 &&
		    strcmp(type, "u") != 0)
			bad("linux.devices: %s: unknown type '%s'", od->path, type);
		od->type = type[0] == 'u' ? 'c' : type[0];
		if (od->type != 'p') {
			od->major = (unsigned)num(json_object_get(d, "major"), "linux.devices[].major",
			                          0, 0xfff);
			od->minor = (unsigned)num(json_object_get(d, "minor"), "linux.devices[].minor",
			                          0, 0xfffff);
		}
		od->mode = (v = json_object_get(d, "fileMode")) ?
		           (mode_t)num(v, "linux.devices[].fileMode", 0, 07777) : 0666;
		od->uid = (v = json_object_get(d, "uid")) ?
		          (uid_t)num(v, "linux.devices[].uid", 0, 0xfffffffe) : 0;
		od->gid = (v = json_object_get(d, "gid")) ?
		          (gid_t)num(v, "linux.devices[].gid", 0, 0xfffffffe) : 0;
		o->ndevices++;
	}
}

static void
load_device_rules(json_t *a, struct oci *o)
{
	static const char *const known[] = { "allow", "type", "major", "minor", "access", NULL };
	char maj[24], min[24];
	size_t i;

	if (!json_is_array(a))
		bad("linux.resources.devices: expected an array");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *r = json_array_get(a, i), *v;
		struct oci_device_rule *or = &o->rules[o->nrules];
		const char *type = "a", *access = "rwm";
		only(r, "linux.resources.devices[]", known);
		if (o->nrules == OCI_MAX_RULES)
			bad("linux.resources.devices: more than %d", OCI_MAX_RULES);
		or->allow = boolean(json_object_get(r, "allow"), "linux.resources.devices[].allow");
		if ((v = json_object_get(r, "type")))
			type = str(v, "linux.resources.devices[].type");
		if (strcmp(type, "a") != 0 && strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
			bad("linux.resources.devices: unknown type '%s'", type);
		if ((v = json_object_get(r, "access")))
			access = str(v, "linux.resources.devices[].access");
		if (!*access || strspn(access, "rwm") != strlen(access) || strlen(access) > 3)
			bad("linux.resources.devices: access '%s' is not of r, w and m", access);
		strcpy(maj, "*");
		strcpy(min, "*");
		if ((v = json_object_get(r, "major")) && !json_is_null(v))
			snprintf(maj, sizeof maj, "%lld", num(v, "linux.resources.devices[].major",
			                                      0, 0xfff));
		if ((v = json_object_get(r, "minor")) && !json_is_null(v))
			snprintf(min, sizeof min, "%lld", num(v, "linux.resources.devices[].minor",
			                                      0, 0xfffff));
		snprintf(or->line, sizeof or->line, "%s %s:%s %s", type, maj, min, access);
		o->nrules++;
	}
}

static void
load_blkio(json_t *b, struct oci *o)
{
	static const char *const known[] = { "weight", "throttleReadBpsDevice",
		"throttleWriteBpsDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice", NULL };
	static const char *const dev[] = { "major", "minor", "rate", NULL };
	json_t *v;
	size_t i;
	int k;

	only(b, "linux.resources.blockIO", known);
	if ((v = json_object_get(b, "weight")) && json_integer_value(v) > 0)
		o->blkio_weight = (unsigned)num(v, "linux.resources.blockIO.weight", 10, 1000);
	for (k = 1; known[k]; k++) {
		char where[64];
		v = json_object_get(b, known[k]);
		snprintf(where, sizeof where, "linux.resources.blockIO.%s", known[k]);
		if (v && !json_is_array(v))
			bad("%s: expected an array", where);
		for (i = 0; v && i < json_array_size(v); i++) {
			json_t *d = json_array_get(v, i);
			if (o->nthrottle == OCI_MAX_THROTTLE)
				bad("%s: more than %d", where, OCI_MAX_THROTTLE);
			only(d, where, dev);
			o->throttle[o->nthrottle].major = (unsigned)num(json_object_get(d, "major"), where, 0, 0xfff);
			o->throttle[o->nthrottle].minor = (unsigned)num(json_object_get(d, "minor"), where, 0, 0xfffff);
			o->throttle[o->nthrottle].rate = (uint64_t)num(json_object_get(d, "rate"), where, 0, LLONG_MAX);
			o->throttle[o->nthrottle++].which = k - 1;
		}
	}
}

static void
load_resources(json_t *r, struct config *c, struct oci *o)
{
	static const char *const known[] = { "devices", "memory", "pids", "cpu", "blockIO", NULL };
	static const char *const mem[] = { "limit", "swap", "reservation", "swappiness",
		"disableOOMKiller", NULL };
	static const char *const cpu[] = { "quota", "period", "shares", "realtimeRuntime",
		"realtimePeriod", "cpus", "mems", NULL };
	json_t *v, *w;

	only(r, "linux.resources", known);
	if ((v = json_object_get(r, "devices")))
		load_device_rules(v, o);
	if ((v = json_object_get(r, "memory"))) {
		only(v, "linux.resources.memory", mem);
		if ((w = json_object_get(v, "limit")) && json_integer_value(w) > 0)
			c->memory = (uint64_t)num(w, "linux.resources.memory.limit", 1, LLONG_MAX);
		if ((w = json_object_get(v, "swap")) && json_integer_value(w) != 0)
			o->mem_swap = num(w, "linux.resources.memory.swap", -1, LLONG_MAX);
		if (o->mem_swap > 0 && (!c->memory || (uint64_t)o->mem_swap < c->memory))
			bad("linux.resources.memory.swap: memory and swap together, at least the "
			    "limit (which it needs)");
		if ((w = json_object_get(v, "reservation")) && json_integer_value(w) > 0)
			o->mem_reservation = num(w, "linux.resources.memory.reservation", 1, LLONG_MAX);
		if ((w = json_object_get(v, "swappiness")) && !json_is_null(w))
			o->swappiness = (int)num(w, "linux.resources.memory.swappiness", 0, 100);
		if ((w = json_object_get(v, "disableOOMKiller")))
			o->disable_oom_killer = boolean(w, "linux.resources.memory.disableOOMKiller");
	}
	if ((v = json_object_get(r, "blockIO")))
		load_blkio(v, o);
	if ((v = json_object_get(r, "pids"))) {
		static const char *const pids[] = { "limit", NULL };
		only(v, "linux.resources.pids", pids);
		if ((w = json_object_get(v, "limit")) && json_integer_value(w) > 0)
			c->pids_limit = (long)num(w, "linux.resources.pids.limit", 1, LONG_MAX);
	}
	if ((v = json_object_get(r, "cpu"))) {
		only(v, "linux.resources.cpu", cpu);
		if ((w = json_object_get(v, "period")) && json_integer_value(w) > 0)
			o->cpu_period = (uint64_t)num(w, "linux.resources.cpu.period", 1000, 1000000);
		if ((w = json_object_get(v, "quota")) && json_integer_value(w) > 0)
			o->cpu_quota = num(w, "linux.resources.cpu.quota", 1000, LLONG_MAX / 100000);
		if ((w = json_object_get(v, "shares")) && json_integer_value(w) > 0)
			o->cpu_shares = (uint64_t)num(w, "linux.resources.cpu.shares", 2, 262144);
		if ((w = json_object_get(v, "realtimeRuntime")) && json_integer_value(w) != 0)
			o->rt_runtime = num(w, "linux.resources.cpu.realtimeRuntime", -1, LLONG_MAX);
		if ((w = json_object_get(v, "realtimePeriod")) && json_integer_value(w) > 0)
			o->rt_period = (uint64_t)num(w, "linux.resources.cpu.realtimePeriod", 1,
			                             LLONG_MAX);
		if ((w = json_object_get(v, "cpus")) && *str(w, "linux.resources.cpu.cpus"))
			o->cpus = json_string_value(w);
		if ((w = json_object_get(v, "mems")) && *str(w, "linux.resources.cpu.mems"))
			o->mems = json_string_value(w);
		if ((o->cpus && strspn(o->cpus, "0123456789,-") != strlen(o->cpus)) ||
		    (o->mems && strspn(o->mems, "0123456789,-") != strlen(o->mems)))
			bad("linux.resources.cpu: cpus and mems are lists such as 0-2,4");
	}
}

/* gcc -fanalyzer loses the vectors stored through o->hooks[k][n] and takes
 * them for leaked: they live as long as the launcher, as the config does. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
static void
load_hooks(json_t *h, struct oci *o)
{
	static const char *const kinds[] = { "prestart", "createRuntime", "poststart",
		"poststop", NULL };
	static const char *const known[] = { "path", "args", "env", "timeout", NULL };
	char where[64];
	size_t k, i;

	if (json_object_get(h, "createContainer") || json_object_get(h, "startContainer"))
		bad("hooks: createContainer and startContainer are not supported yet");
	only(h, "hooks", kinds);
	for (k = 0; k < HOOK_KINDS; k++) {
		json_t *a = json_object_get(h, kinds[k]), *v;
		if (!a)
			continue;
		if (!json_is_array(a) || json_array_size(a) > OCI_MAX_HOOKS)
			bad("hooks.%s: expected an array of at most %d", kinds[k], OCI_MAX_HOOKS);
		for (i = 0; i < json_array_size(a); i++) {
			struct oci_hook *hk;
			json_t *one = json_array_get(a, i);
			if (o->nhooks[k] >= OCI_MAX_HOOKS)
				bad("hooks.%s: more than %d", kinds[k], OCI_MAX_HOOKS);
			hk = &o->hooks[k][o->nhooks[k]++];
			snprintf(where, sizeof where, "hooks.%s[%zu]", kinds[k], i);
			only(one, where, known);
			hk->path = str(json_object_get(one, "path"), where);
			if (hk->path[0] != '/')
				bad("%s.path: '%s' is not an absolute path", where, hk->path);
			hk->args = (v = json_object_get(one, "args")) ? strings(v, where) : NULL;
			hk->env = (v = json_object_get(one, "env")) ? strings(v, where) : NULL;
			hk->timeout = (v = json_object_get(one, "timeout")) ?
			              (int)num(v, where, 1, 1000000) : 0;
		}
	}
}
#pragma GCC diagnostic pop

static void
load_paths(json_t *a, const char *where, const char **out, int *n)
{
	char **v = strings(a, where);
	int i;

	for (i = 0; v[i]; i++) {
		if (*n == OCI_MAX_PATHS)
			bad("%s: more than %d", where, OCI_MAX_PATHS);
		out[(*n)++] = v[i];
	}
}

static void
load_idmap(json_t *a, const char *where, void *out, int *n)
{
	static const char *const known[] = { "containerID", "hostID", "size", NULL };
	uint32_t (*map)[3] = out;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > OCI_MAX_IDMAP)
		bad("%s: expected an array of at most %d", where, OCI_MAX_IDMAP);
	for (i = 0; i < json_array_size(a); i++) {
		json_t *m = json_array_get(a, i);
		only(m, where, known);
		map[*n][0] = (uint32_t)num(json_object_get(m, "containerID"), where, 0, 0xffffffffLL);
		map[*n][1] = (uint32_t)num(json_object_get(m, "hostID"), where, 0, 0xffffffffLL);
		map[*n][2] = (uint32_t)num(json_object_get(m, "size"), where, 1, 0xffffffffLL);
		(*n)++;
	}
}

/* Whether the container has a namespace of type of its own (new, or
 * joined by path). */
static int
has_ns(const struct config *c, const struct oci *o, unsigned long type)
{
	int j;

	if (type == CLONE_NEWNET && c->net_ns)
		return 1;
	for (j = 0; j < o->njoin; j++)
		if (o->join[j].type == type)
			return 1;
	return (o->ns_new & type) != 0;
}

/* A sysctl the kernel keeps per namespace, of one the container has (as
 * runc checks): any other would be written for the whole host. */
static void
sysctl_namespaced(const char *key, const struct config *c, const struct oci *o)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
		"kernel.shm_rmid_forced", NULL };
	int i;

	for (i = 0; ipc[i]; i++)
		if (strcmp(key, ipc[i]) == 0)
			break;
	if (ipc[i] || strncmp(key, "fs.mqueue.", 10) == 0) {
		if (!has_ns(c, o, CLONE_NEWIPC))
			bad("linux.sysctl: '%s' needs an IPC namespace in linux.namespaces", key);
	} else if (strncmp(key, "net.", 4) == 0) {
		if (!has_ns(c, o, CLONE_NEWNET))
			bad("linux.sysctl: '%s' needs a network namespace in linux.namespaces", key);
	} else if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0) {
		if (!has_ns(c, o, CLONE_NEWUTS))
			bad("linux.sysctl: '%s' needs a UTS namespace in linux.namespaces", key);
	} else {
		bad("linux.sysctl: '%s' is not kept per namespace: it would be the host's", key);
	}
}

static void
load_linux(json_t *l, struct config *c, struct oci *o)
{
	static const char *const known[] = { "namespaces", "resources", "cgroupsPath",
		"devices", "sysctl", "maskedPaths", "readonlyPaths", "seccomp",
		"rootfsPropagation", "mountLabel", "uidMappings", "gidMappings", NULL };
	json_t *v;

	only(l, "linux", known);
	/* none: every one the caller's, as the spec says */
	load_namespaces((v = json_object_get(l, "namespaces")) ? v : json_array(), c, o);
	if ((v = json_object_get(l, "uidMappings")))
		load_idmap(v, "linux.uidMappings", o->uid_map, &o->nuid_map);
	if ((v = json_object_get(l, "gidMappings")))
		load_idmap(v, "linux.gidMappings", o->gid_map, &o->ngid_map);
	if ((o->ns_new & CLONE_NEWUSER) && (!o->nuid_map || !o->ngid_map))
		bad("linux.uidMappings, gidMappings: a user namespace needs both");
	if (!(o->ns_new & CLONE_NEWUSER) && (o->nuid_map || o->ngid_map))
		bad("linux.uidMappings, gidMappings: given without a user namespace");
	if ((v = json_object_get(l, "resources")))
		load_resources(v, c, o);
	if ((v = json_object_get(l, "cgroupsPath")) &&
	    *(o->cgroups_path = str(v, "linux.cgroupsPath")) == 0)
		o->cgroups_path = NULL;
	if (o->cgroups_path && strspn(o->cgroups_path, "/") == strlen(o->cgroups_path))
		bad("linux.cgroupsPath: '%s' is a hierarchy's root, not a container's", o->cgroups_path);
	if (o->cgroups_path && (strstr(o->cgroups_path, "..") || strchr(o->cgroups_path, ':')))
		bad("linux.cgroupsPath: '%s': a path with '..' or a systemd slice:prefix:name "
		    "is not supported", o->cgroups_path);
	if ((v = json_object_get(l, "devices")))
		load_devices(v, o);
	if ((v = json_object_get(l, "sysctl"))) {
		const char *key;
		json_t *val;
		if (!json_is_object(v))
			bad("linux.sysctl: expected an object");
		json_object_foreach(v, key, val) {
			if (o->nsysctl == OCI_MAX_SYSCTL)
				bad("linux.sysctl: more than %d", OCI_MAX_SYSCTL);
			if (strstr(key, "..") || strchr(key, '/') || !*key)
				bad("linux.sysctl: '%s' is not a sysctl name", key);
			sysctl_namespaced(key, c, o);
			o->sysctl[o->nsysctl][0] = key;
			o->sysctl[o->nsysctl++][1] = str(val, "linux.sysctl");
		}
	}
	if ((v = json_object_get(l, "maskedPaths")))
		load_paths(v, "linux.maskedPaths", o->masked, &o->nmasked);
	if ((v = json_object_get(l, "readonlyPaths")))
		load_paths(v, "linux.readonlyPaths", o->readonly, &o->nreadonly);
	if ((v = json_object_get(l, "seccomp"))) {
		o->seccomp_json = json_dumps(v, JSON_COMPACT);
		c->seccomp = 1;
	}
	if ((v = json_object_get(l, "rootfsPropagation"))) {
		const char *p = str(v, "linux.rootfsPropagation");
		o->propagation = strcmp(p, "shared") == 0 || strcmp(p, "rshared") == 0 ? MS_SHARED :
		                 strcmp(p, "slave") == 0 || strcmp(p, "rslave") == 0 ? MS_SLAVE :
		                 strcmp(p, "private") == 0 || strcmp(p, "rprivate") == 0 ? MS_PRIVATE :
		                 strcmp(p, "unbindable") == 0 || strcmp(p, "runbindable") == 0 ?
		                 MS_UNBINDABLE : 1;
		if (o->propagation == 1)
			bad("linux.rootfsPropagation: unknown '%s'", p);
	}
	if ((v = json_object_get(l, "mountLabel")) && *str(v, "linux.mountLabel"))
		selinux_label("linux.mountLabel");
}

void
oci_spec_load(const char *bundle, struct config *c, struct oci *o)
{
	static const char *const known[] = { "ociVersion", "process", "root", "hostname",
		"domainname", "mounts", "hooks", "annotations", "linux", NULL };
	static const char *const root_known[] = { "path", "readonly", NULL };
	char path[PATH_MAX + 16];
	json_error_t err;
	json_t *j, *v, *root;
	const char *version, *rootpath;

	if (!realpath(bundle, o->bundle))
		die_errno(EXIT_FAILURE, "bundle '%s'", bundle);
	snprintf(path, sizeof path, "%s/config.json", o->bundle);
	if (!(j = json_load_file(path, JSON_REJECT_DUPLICATES, &err)))
		die(EXIT_FAILURE, "%s: %s%s (line %d)", path, err.text,
		    errno == ENOENT ? "" : "", err.line);
	only(j, "config", known);
	version = str(json_object_get(j, "ociVersion"), "ociVersion");
	if (strncmp(version, "1.", 2) != 0)
		bad("ociVersion: '%s': mocker supports 1.x", version);
	o->umask = -1;
	o->swappiness = -1;
	c->seccomp = 0;
	c->no_init = 1;
	c->stop_signal = 15;
	c->stop_timeout = STOP_TIMEOUT_DEFAULT;
	c->tls_verify = 1;

	if (!(root = json_object_get(j, "root")))
		bad("root: missing");
	only(root, "root", root_known);
	rootpath = str(json_object_get(root, "path"), "root.path");
	if (rootpath[0] == '/')
		snprintf(path, sizeof path, "%s", rootpath);
	else
		snprintf(path, sizeof path, "%s/%s", o->bundle, rootpath);
	if (!realpath(path, o->rootfs))
		die_errno(EXIT_FAILURE, "root.path '%s'", rootpath);
	c->rootfs = o->rootfs;
	if ((v = json_object_get(root, "readonly")))
		c->read_only = boolean(v, "root.readonly");

	if (!(v = json_object_get(j, "process")))
		bad("process: missing (mocker runs a process from its config)");
	load_process(v, c, o);
	if (!(v = json_object_get(j, "linux")))
		bad("linux: missing");
	load_linux(v, c, o);
	if ((v = json_object_get(j, "hostname"))) {
		c->hostname = str(v, "hostname");
		int j, uts = (o->ns_new & CLONE_NEWUTS) != 0;
		for (j = 0; j < o->njoin; j++)
			uts |= o->join[j].type == CLONE_NEWUTS;
		if (*c->hostname && !uts)
			bad("hostname: setting it needs a UTS namespace in linux.namespaces (not "
			    "the caller's)");
		if (*c->hostname && !hostname_valid(c->hostname))
			bad("hostname: '%s' is not a valid host name", c->hostname);
	}
	if ((v = json_object_get(j, "domainname")) && *str(v, "domainname")) {
		int k, uts = (o->ns_new & CLONE_NEWUTS) != 0;
		for (k = 0; k < o->njoin; k++)
			uts |= o->join[k].type == CLONE_NEWUTS;
		if (!uts)
			bad("domainname: setting it needs a UTS namespace in linux.namespaces");
		o->domainname = json_string_value(v);
		if (strlen(o->domainname) > 64)
			bad("domainname: longer than 64 bytes");
	}
	if ((v = json_object_get(j, "mounts")))
		load_mounts(v, o);
	if ((v = json_object_get(j, "hooks"))) {
		load_hooks(v, o);
		o->hooks_json = json_dumps(v, JSON_COMPACT);
	}
	if ((v = json_object_get(j, "annotations"))) {
		json_t *init = json_object_get(v, "run.mocker.init");
		if (!json_is_object(v))
			bad("annotations: expected an object");
		o->inject_init = init && json_is_string(init) &&
		                 strcmp(json_string_value(init), "true") == 0;
		o->annotations = json_dumps(v, JSON_COMPACT);
	}
	if (o->inject_init)
		c->no_init = 0;
}

void
oci_hooks_from(const char *text, struct oci *o)
{
	json_t *j = json_loads(text, 0, NULL);

	if (j)
		load_hooks(j, o);
}

void
oci_process_load(const char *file, int whole, struct config *c, struct oci *o)
{
	json_error_t err;
	json_t *j = json_load_file(file, JSON_REJECT_DUPLICATES, &err);

	if (!j)
		die(EXIT_FAILURE, "%s: %s (line %d)", file, err.text, err.line);
	if (whole && !(j = json_object_get(j, "process")))
		die(EXIT_FAILURE, "%s: no process", file);
	o->umask = -1;
	o->swappiness = -1;
	c->no_init = 1;
	c->stop_signal = 15;
	load_process(j, c, o);
}
