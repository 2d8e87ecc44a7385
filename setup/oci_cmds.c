/*
 * mocker-runc: runc's command line (what Podman's conmon, containerd's
 * runc shim and runtime-tools call), on mocker's one setup plan. The
 * lifetime of a container is its caller's: create leaves its process
 * waiting for start, a child of whoever waits for it (their subreaper),
 * and nothing of mocker stays behind to watch it.
 *
 * Exit status: 0, or 1 with one line on stderr (and in --log); create
 * (and run, exec) 127 when process.args[0] is not found in the container,
 * 126 when it cannot be executed, as mocker run; run and exec give the
 * process's own status.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "container.h"
#include "ctrstate.h"
#include "file.h"
#include "log.h"
#include "oci.h"
#include "oci_seccomp.h"
#include "oci_state.h"
#include "run.h"
#include "selfseal.h"
#include "signame.h"
#include "version.h"

static const char usage[] =
"usage: mocker-runc [--root DIR] [--log FILE] [--log-format text|json] COMMAND ...\n"
"  create [-b BUNDLE] [--pid-file F] [--console-socket S] ID  make it; it waits\n"
"  start ID                      run its process\n"
"  run [-b BUNDLE] [-d] [--pid-file F] ID   create and start (and wait)\n"
"  state ID                      its state, as JSON\n"
"  kill [-a] ID [SIGNAL]         a signal to it (TERM; -a: all its processes)\n"
"  exec [-d] [-t] [--pid-file F] [--console-socket S] ID (CMD... | -p PROCESS.json)\n"
"  delete [-f] ID                forget a stopped one (-f: kill it first)\n"
"  list [-q] [-f json] | ps [-f json] ID | pause ID | resume ID\n"
"  features | spec [-b BUNDLE] | --version\n"
"--root DIR: where state is kept (" OCI_ROOT_DEFAULT "). The OCI runtime spec's\n"
"config.json, read at create; see docs/oci.md and mocker(1). MIT license.\n";

static int debug;

/* A command line mocker-runc cannot take: one line, exit 1. */
#define usage_error(fmt, ...) die(EXIT_FAILURE, fmt " (see mocker-runc --help)", ##__VA_ARGS__)

static const char *
need_id(int argc, char **argv, const char *cmd)
{
	if (optind >= argc)
		usage_error("%s: the container's ID is needed", cmd);
	if (!oci_id_valid(argv[optind]))
		die(EXIT_FAILURE, "'%s': not a container ID (letters, digits, _+-.)", argv[optind]);
	return argv[optind++];
}

static void
load(struct oci_state *s, const char *id)
{
	if (oci_state_load(s, id) < 0) {
		if (errno == ENOENT)
			die(EXIT_FAILURE, "container '%s' does not exist", id);
		die_errno(EXIT_FAILURE, "cannot read the state of '%s'", id);
	}
}

/* ---- create ---- */

static struct config cfg;
static struct oci spec;
static struct container ct;
static struct oci_state made; /* the state of the container being created */
static int made_done;

/* A container without a mount namespace left its mounts (the rootfs bound
 * over itself, /proc, /dev... on it) in its caller's: gone with the
 * rootfs's, when this is that namespace. */
static void
unmount_rootfs(const struct oci_state *s)
{
	struct stat ns;

	if (!s->caller_mnt_ns || stat("/proc/self/ns/mnt", &ns) < 0 ||
	    ns.st_ino != s->caller_mnt_ns || !s->rootfs[0])
		return;
	if (umount2(s->rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
		warnx_("cannot unmount %s: %s", s->rootfs, strerror(errno));
}

/* A create that fails leaves nothing: its state directory goes. */
static void
forget_made(void)
{
	if (!made_done && made.dir[0]) {
		unmount_rootfs(&made);
		oci_state_remove(&made);
	}
}

/* linux.uidMappings and gidMappings, written from the host. */
static int
write_maps(pid_t pid, const char **why)
{
	char dir[32], text[OCI_MAX_IDMAP * 40];
	size_t n;
	int i, k;

	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	for (k = 0; k < 2; k++) {
		n = 0;
		for (i = 0; i < (k ? spec.ngid_map : spec.nuid_map); i++) {
			const uint32_t *m = k ? &spec.gid_map[i].inside : &spec.uid_map[i].inside;
			n += (size_t)snprintf(text + n, sizeof text - n, "%u %u %u\n", m[0], m[1], m[2]);
		}
		*why = k ? "write linux.gidMappings" : "write linux.uidMappings";
		if (file_write(dir, k ? "gid_map" : "uid_map", text) < 0)
			return -1;
	}
	return 0;
}

/* A namespace given by path that is ours (the caller's, the host's): the
 * sysctls of its kind would be written for everyone in it. */
static void
no_host_sysctl(int fd, const char *type, const struct oci *o)
{
	static const char *const kinds[][2] = { { "ipc", "kernel.msg" }, { "ipc", "kernel.sem" },
		{ "ipc", "kernel.shm" }, { "ipc", "fs.mqueue." }, { "uts", "kernel.hostname" },
		{ "uts", "kernel.domainname" }, { "net", "net." } };
	char own[64];
	struct stat a, b;
	size_t k;
	int i;

	snprintf(own, sizeof own, "/proc/self/ns/%s", type);
	if (fstat(fd, &a) < 0 || stat(own, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return;
	for (i = 0; i < o->nsysctl; i++)
		for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
			if (strcmp(kinds[k][0], type) == 0 &&
			    strncmp(o->sysctl[i][0], kinds[k][1], strlen(kinds[k][1])) == 0)
				die(EXIT_FAILURE, "linux.sysctl: '%s': the %s namespace given by path "
				    "is the caller's own", o->sysctl[i][0], type);
}

/* linux.namespaces given by path, opened and checked here on the host:
 * one of another type is an error, not a surprise. */
static void
open_joins(struct container *c, const struct oci *o)
{
	static const char *const names[] = { "mount", "uts", "ipc", "pid", "cgroup" };
	static const unsigned long flags[] = { CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWPID, CLONE_NEWCGROUP };
	int j, k, type;

	for (j = 0; j < o->njoin; j++) {
		for (k = 0; flags[k] != o->join[j].type; k++)
			;
		if ((c->join_fds[j] = open(o->join[j].path, O_RDONLY | O_CLOEXEC)) < 0)
			die_errno(EXIT_FAILURE, "linux.namespaces: %s namespace '%s'", names[k],
			          o->join[j].path);
		type = ioctl(c->join_fds[j], NS_GET_NSTYPE);
		if (type < 0 || (unsigned long)type != o->join[j].type)
			die(EXIT_FAILURE, "linux.namespaces: '%s' is not a %s namespace",
			    o->join[j].path, names[k]);
		if (o->nsysctl && (flags[k] == CLONE_NEWIPC || flags[k] == CLONE_NEWUTS))
			no_host_sysctl(c->join_fds[j], names[k], o);
	}
	if (o->nsysctl && c->netns_fd >= 0)
		no_host_sysctl(c->netns_fd, "net", o);
}

/* The host's part while the process waits in its namespaces: its state
 * (so that hooks and `state` see it), oomScoreAdj, prestart and
 * createRuntime hooks. */
static int
before_go(struct container *c, pid_t pid, const char **why)
{
	static char msg[512];
	char path[64], num[16], *state;
	int r = 0;

	made.pid = pid;
	made.pid_start = proc_start_time(pid);
	if ((spec.ns_new & CLONE_NEWUSER) && write_maps(pid, why) < 0)
		return -1;
	made.cg = c->cg;
	*why = "save the container's state";
	if (oci_state_save(&made) < 0)
		return -1;
	if (spec.has_oom_score_adj) {
		snprintf(path, sizeof path, "/proc/%d", (int)pid);
		snprintf(num, sizeof num, "%d", spec.oom_score_adj);
		*why = "set oomScoreAdj";
		if (file_write(path, "oom_score_adj", num) < 0)
			return -1;
	}
	state = oci_state_json(&made, "created");
	if (oci_hooks_run(spec.hooks[HOOK_PRESTART], spec.nhooks[HOOK_PRESTART], state,
	                  msg, sizeof msg) < 0 ||
	    oci_hooks_run(spec.hooks[HOOK_CREATE_RUNTIME], spec.nhooks[HOOK_CREATE_RUNTIME],
	                  state, msg, sizeof msg) < 0) {
		*why = msg;
		errno = 0;
		r = -1;
	}
	free(state);
	return r;
}

static void
write_pid_file(const char *file, pid_t pid)
{
	char num[24], tmp[PATH_MAX + 8];
	int fd;

	if (!file)
		return;
	snprintf(num, sizeof num, "%d", (int)pid);
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	/* made new, never through a link: the file may be in a directory a
	 * container can write to (a bundle's rootfs) */
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0 ||
	    write_all(fd, num, strlen(num)) < 0 || close(fd) < 0 || rename(tmp, file) < 0)
		die_errno(EXIT_FAILURE, "--pid-file '%s'", file);
}

struct create_opts {
	const char *bundle, *pid_file, *console_socket;
	int detach;
	int preserve_fds;          /* 3 .. 3+N-1 go in, as they are */
};


/* Makes the container; its process waits for start. Returns its pid. */
static pid_t
create(const char *id, const struct create_opts *o)
{
	char fifo[PATH_MAX + 16];
	struct oci_state old;
	const char *why = NULL;
	int r;

	static const unsigned long long all = ~0ULL;

	/* signals held until the container's init takes them (plan.c) */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	if (geteuid() != 0)
		die(EXIT_FAILURE, "mocker-runc needs root (rootless OCI containers are not "
		    "supported yet)");
	if (oci_state_load(&old, id) == 0)
		die(EXIT_FAILURE, "container '%s' already exists", id);
	oci_spec_load(o->bundle ? o->bundle : ".", &cfg, &spec);
	spec.id = id;
	cfg.oci = &spec;
	if (spec.terminal && !o->console_socket)
		die(EXIT_FAILURE, "process.terminal is true: --console-socket is needed");
	if (!spec.terminal && o->console_socket)
		die(EXIT_FAILURE, "--console-socket: the config gives no terminal "
		    "(process.terminal is false)");

	if (oci_state_make(&made, id) < 0) {
		if (errno == EEXIST)
			die(EXIT_FAILURE, "container '%s' already exists", id);
		die_errno(EXIT_FAILURE, "cannot make the state directory in %s", oci_root);
	}
	log_at_exit(forget_made);
	snprintf(made.bundle, sizeof made.bundle, "%s", spec.bundle);
	made.annotations = spec.annotations;
	/* the hooks start and delete run: kept, as the config is read once */
	made.hooks = spec.hooks_json;
	made.created = ctr_now();
	made.inject_init = spec.inject_init;
	if (spec.caller_mounts) {
		struct stat ns;
		if (stat("/proc/self/ns/mnt", &ns) < 0)
			die_errno(EXIT_FAILURE, "cannot read /proc/self/ns/mnt");
		made.caller_mnt_ns = ns.st_ino;
	}
	snprintf(made.rootfs, sizeof made.rootfs, "%s", spec.rootfs);
	made.seccomp = (char *)spec.seccomp_json;

	prepare(&ct, &cfg);
	open_joins(&ct, &spec);
	if (spec.ns_new & CLONE_NEWUSER) { /* its maps: before_go */
		ct.userns = 1;
		ct.idmap = 0;
	}
	if (spec.terminal)
		terminal_for_console(&ct.term, o->console_socket, spec.rows, spec.cols);
	else
		terminal_pass(&ct.term);
	if (spec.seccomp_json && oci_seccomp_build(spec.seccomp_json, &ct.seccomp) < 0)
		die(EXIT_FAILURE, "config.json: linux.seccomp: %s", oci_seccomp_error);
	snprintf(fifo, sizeof fifo, "%s/" OCI_FIFO, made.dir);
	if (mkfifo(fifo, 0600) < 0 || (ct.start_fd = open(fifo, O_RDWR | O_CLOEXEC)) < 0)
		die_errno(EXIT_FAILURE, "cannot make %s", fifo);
	ct.cg.path = spec.cgroups_path;
	ct.listen_fds = o->preserve_fds;
	r = cgroup_create(&ct.cg, &cfg, &why);
	if (r != 0 && errno == EBUSY && spec.cgroups_path)
		die(EXIT_FAILURE, "linux.cgroupsPath '%s': a cgroup with processes in it is there "
		    "or above it (another container's)", spec.cgroups_path);
	if (r != 0)
		die_errno(EXIT_FAILURE, "cannot %s", why ? why : "create the cgroup");
	ct.before_go = before_go;
	if ((r = run_container(&ct)) != 0) {
		unmount_rootfs(&made);
		oci_state_remove(&made);
		exit(r == EXIT_SETUP ? EXIT_FAILURE : r);
	}
	close(ct.start_fd);
	write_pid_file(o->pid_file, made.pid);
	made_done = 1;
	return made.pid;
}

/* ---- start ---- */

/* The config's poststart or poststop hooks, as create kept them, with the
 * state (status as given) on their stdin: a failure is a warning. */
static void
kept_hooks(const struct oci_state *s, enum oci_hook_kind kind, const char *status)
{
	static struct oci o; /* the hooks' vectors live as long as we do */
	char *state;

	if (!s->hooks)
		return;
	oci_hooks_from(s->hooks, &o);
	state = oci_state_json(s, status);
	oci_hooks_warn(o.hooks[kind], o.nhooks[kind], kind == HOOK_POSTSTART ? "poststart" :
	               "poststop", state);
	free(state);
}

/* Until the container's process has executed the program of its config
 * (the spec's "running"): it is no longer mocker (waiting for start) nor
 * our init's sealed copy on its way to exec it (unless that copy is
 * the container's PID 1: run.mocker.init). At most 10 s; at once if it is
 * gone. */
static void
wait_for_exec(const struct oci_state *s)
{
	struct timespec ms = { 0, 1000000 };
	char path[64], link[64];
	ssize_t n;
	int i;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)s->pid);
	for (i = 0; i < 10000 && ctr_alive(s->pid, s->pid_start); i++) {
		/* the sealed copy of mocker ("/memfd:mocker"), or of its init */
		if ((n = readlink(path, link, sizeof link - 1)) < 0)
			return;
		link[n] = 0;
		if (strncmp(link, "/memfd:mocker", 13) != 0 ||
		    (s->inject_init && strncmp(link, "/memfd:mocker-init", 18) == 0))
			return;
		nanosleep(&ms, NULL);
	}
}

static int
start(const char *id)
{
	struct oci_state s;
	char fifo[PATH_MAX + 16];
	int fd;

	load(&s, id);
	if (strcmp(s.status, "created") != 0)
		die(EXIT_FAILURE, "cannot start container '%s': it is %s, not created", id,
		    s.status);
	snprintf(fifo, sizeof fifo, "%s/" OCI_FIFO, s.dir);
	/* no reader: its process is gone */
	if ((fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		die_errno(EXIT_FAILURE, "cannot start container '%s'", id);
	if (write(fd, "s", 1) != 1)
		die_errno(EXIT_FAILURE, "cannot start container '%s'", id);
	close(fd);
	wait_for_exec(&s);
	unlink(fifo);
	kept_hooks(&s, HOOK_POSTSTART, "running");
	return 0;
}

/* ---- delete ---- */


/* Kills every process of the container and waits (up to 5 s) for its
 * first to be gone. */
static void
kill_all(struct oci_state *s)
{
	int i;

	cgroup_kill_all(&s->cg);
	if (ctr_alive(s->pid, s->pid_start))
		kill(s->pid, SIGKILL);
	for (i = 0; i < 500 && ctr_alive(s->pid, s->pid_start); i++) {
		struct timespec ms10 = { 0, 10000000 };
		nanosleep(&ms10, NULL);
	}
}

static int
delete(const char *id, int force)
{
	struct oci_state s;

	load(&s, id);
	/* the spec: deleting one that is not stopped is an error, with no
	 * effect (runc deletes a created one); --force kills it first */
	if (strcmp(s.status, "stopped") != 0 && strcmp(s.status, "creating") != 0) {
		if (!force)
			die(EXIT_FAILURE, "cannot delete container '%s': it is %s (stop it, or "
			    "delete --force)", id, s.status);
		kill_all(&s);
	}
	kept_hooks(&s, HOOK_POSTSTOP, "stopped");
	unmount_rootfs(&s);
	if (s.cg.ndirs && cgroup_remove_dirs(&s.cg, 2000) > 0)
		warnx_("a cgroup of container '%s' is still busy: left behind", id);
	oci_state_remove(&s);
	return 0;
}

/* ---- kill, state, list, ps, pause, resume ---- */

static int
do_kill(const char *id, const char *signame, int all)
{
	struct oci_state s;
	int sig = sig_parse(signame ? signame : "TERM");

	if (sig <= 0)
		die(EXIT_FAILURE, "'%s': not a signal", signame);
	load(&s, id);
	if (strcmp(s.status, "stopped") == 0 || strcmp(s.status, "creating") == 0)
		die(EXIT_FAILURE, "cannot kill container '%s': it is not running", id);
	if (all && s.cg.ndirs) {
		char procs[65536], *p, *save = NULL;
		const char *dir = s.cg.kill_dir[0] ? s.cg.kill_dir : s.cg.dirs[0];
		if (file_read(dir, "cgroup.procs", procs, sizeof procs) < 0)
			die_errno(EXIT_FAILURE, "cannot list the processes of '%s'", id);
		for (p = strtok_r(procs, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
			kill((pid_t)atoi(p), sig);
		return 0;
	}
	if (kill(s.pid, sig) < 0)
		die_errno(EXIT_FAILURE, "cannot kill container '%s'", id);
	return 0;
}

static int
state(const char *id)
{
	struct oci_state s;
	char *json;

	load(&s, id);
	json = oci_state_json(&s, s.status);
	puts(json);
	free(json);
	return fflush(stdout) == 0 ? 0 : EXIT_FAILURE;
}

/* The container's processes, from its cgroup. */
static int
ps(const char *id, int json)
{
	struct oci_state s;
	char procs[65536], *p, *save = NULL;
	const char *dir;
	int first = 1;

	load(&s, id);
	if (!s.cg.ndirs)
		die(EXIT_FAILURE, "container '%s' has no cgroup to list", id);
	dir = s.cg.kill_dir[0] ? s.cg.kill_dir : s.cg.dirs[0];
	if (file_read(dir, "cgroup.procs", procs, sizeof procs) < 0)
		procs[0] = 0; /* gone: none */
	if (!json)
		printf("PID\tCMD\n");
	else
		putchar('[');
	for (p = strtok_r(procs, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		char comm[64] = "", path[32];
		ssize_t n;
		if (json) {
			printf("%s%s", first ? "" : ",", p);
			first = 0;
			continue;
		}
		snprintf(path, sizeof path, "/proc/%s", p);
		if ((n = file_read(path, "comm", comm, sizeof comm)) > 0)
			comm[strcspn(comm, "\n")] = 0;
		printf("%s\t%s\n", p, comm);
	}
	if (json)
		puts("]");
	return fflush(stdout) == 0 ? 0 : EXIT_FAILURE;
}

static int
list(int quiet, int json)
{
	json_t *all = json_array();
	struct oci_state s;
	struct dirent **ids = NULL;
	int n, i;

	/* none yet: an empty list */
	if ((n = scandir(oci_root, &ids, NULL, alphasort)) < 0)
		n = 0;
	if (!quiet && !json)
		printf("ID\tPID\tSTATUS\tBUNDLE\tCREATED\n");
	for (i = 0; i < n; i++) {
		char *one;
		if (!oci_id_valid(ids[i]->d_name) || oci_state_load(&s, ids[i]->d_name) < 0)
			continue;
		if (quiet)
			printf("%s\n", s.id);
		else if (!json)
			printf("%s\t%d\t%s\t%s\t%lld\n", s.id, strcmp(s.status, "stopped") ? s.pid : 0,
			       s.status, s.bundle, s.created / 1000000000);
		else if ((one = oci_state_json(&s, s.status))) {
			json_array_append_new(all, json_loads(one, 0, NULL));
			free(one);
		}
	}
	if (json) {
		char *out = json_dumps(all, JSON_COMPACT);
		puts(out ? out : "[]");
	}
	return fflush(stdout) == 0 ? 0 : EXIT_FAILURE;
}

static int
freeze(const char *id, int on)
{
	struct oci_state s;
	int r;

	load(&s, id);
	if (on ? strcmp(s.status, "running") != 0 : strcmp(s.status, "paused") != 0)
		die(EXIT_FAILURE, "cannot %s container '%s': it is %s", on ? "pause" : "resume",
		    id, s.status);
	if (s.cg.kill_dir[0])
		r = file_write(s.cg.kill_dir, "cgroup.freeze", on ? "1" : "0");
	else if (s.cg.freezer_dir[0])
		r = file_write(s.cg.freezer_dir, "freezer.state", on ? "FROZEN" : "THAWED");
	else
		r = -1, errno = ENOTSUP;
	if (r < 0)
		die_errno(EXIT_FAILURE, "cannot %s container '%s'", on ? "pause" : "resume", id);
	return 0;
}

/* ---- exec ---- */

struct exec_opts {
	const char *process, *cwd, *user, *env[64];
	int nenv, tty, no_new_privs;
	uint64_t caps;
};

static const char *exec_pid_file;

static int
exec_before_go(struct container *c, pid_t pid, const char **why)
{
	write_pid_file(exec_pid_file, pid);
	return 0;
}

/* A process in a running container: the launcher's exec plan (plan.c),
 * the container's namespaces and cgroups joined, its seccomp filter. */
static int
do_exec(const char *id, const struct create_opts *co, const struct exec_opts *e,
        int argc, char **argv)
{
	static const unsigned long long all = ~0ULL;
	static struct config c;
	static struct oci o;
	static struct container x;
	struct oci_state s;
	char path[PATH_MAX + 16];
	int i, k;

	load(&s, id);
	if (strcmp(s.status, "running") != 0)
		die(EXIT_FAILURE, "cannot exec in container '%s': it is %s", id, s.status);
	if (e->process) {
		oci_process_load(e->process, 0, &c, &o);
	} else {
		/* its config's process, with the command and options given */
		if (optind >= argc)
			usage_error("exec: a command is needed (or --process FILE)");
		snprintf(path, sizeof path, "%s/config.json", s.bundle);
		oci_process_load(path, 1, &c, &o);
		c.argv = argv + optind;
		for (i = 0; i < e->nenv; i++) {
			if (!strchr(e->env[i], '='))
				usage_error("exec: --env '%s': expected KEY=VALUE", e->env[i]);
			for (k = 0; k < c.nenv && (strcspn(c.env[k], "=") != strcspn(e->env[i], "=") ||
			     strncmp(c.env[k], e->env[i], strcspn(e->env[i], "=")) != 0); k++)
				;
			if (k == MAX_ENV)
				usage_error("exec: too many --env");
			c.env[k] = e->env[i];
			if (k == c.nenv)
				c.nenv++;
		}
		if (e->cwd)
			c.workdir = e->cwd;
		if (e->user) {
			unsigned uid = 0, gid = 0;
			int n = sscanf(e->user, "%u:%u", &uid, &gid);
			if (n < 1)
				usage_error("exec: --user '%s': expected UID[:GID]", e->user);
			o.uid = uid;
			o.gid = n == 2 ? gid : 0;
		}
		for (k = 0; k < CAP_PERMITTED + 1; k++)
			o.caps[k] |= e->caps;
		if (e->no_new_privs)
			c.no_new_privs = 1;
		o.terminal = e->tty;
	}
	o.id = id;
	c.oci = &o;
	c.rootfs = s.rootfs;
	c.tty = o.terminal && !co->console_socket; /* relayed, as run -t */
	if (!o.terminal && co->console_socket)
		die(EXIT_FAILURE, "--console-socket: the process has no terminal (--tty)");
	if (o.terminal && !co->console_socket && co->detach)
		die(EXIT_FAILURE, "exec --detach --tty: --console-socket is needed");
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	x.exec = 1;
	x.exec_pid = s.pid;
	x.exec_cgroup = s.cg.ndirs > 0;
	if ((x.exec_pidfd = (int)syscall(SYS_pidfd_open, s.pid, 0)) < 0 ||
	    !ctr_alive(s.pid, s.pid_start))
		die(EXIT_FAILURE, "cannot exec in container '%s': it is not running", id);
	prepare(&x, &c);
	x.idmap = 0;
	x.init_mode = INIT_COMMAND;
	if (o.terminal && co->console_socket)
		terminal_for_console(&x.term, co->console_socket, o.rows, o.cols);
	else if (!o.terminal)
		terminal_pass(&x.term);
	if (s.seccomp) {
		c.seccomp = 1;
		if (oci_seccomp_build(s.seccomp, &x.seccomp) < 0)
			die(EXIT_FAILURE, "linux.seccomp: %s", oci_seccomp_error);
	}
	x.hand_off = co->detach;
	x.listen_fds = co->preserve_fds;
	exec_pid_file = co->pid_file;
	x.before_go = exec_before_go;
	return run_container(&x);
}

/* ---- run ---- */

static int
run(const char *id, const struct create_opts *o)
{
	static const unsigned long long all = ~0ULL;
	int status = 0, sig;
	siginfo_t si;
	pid_t pid;

	/* signals held until there is a process to pass them to */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	pid = create(id, o);
	start(id);
	if (o->detach)
		return 0;
	for (;;) {
		sig = (int)syscall(SYS_rt_sigtimedwait, &all, &si, NULL, 8);
		if (sig == SIGCHLD) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
		} else if (sig > 0) {
			kill(pid, sig);
		}
	}
	delete(id, 1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- features, spec, version ---- */

static int
features(void)
{
	static const char text[] =
	"{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"" OCI_VERSION "\",\n"
	" \"hooks\":[\"prestart\",\"createRuntime\",\"poststart\",\"poststop\"],\n"
	" \"mountOptions\":[\"ro\",\"rw\",\"nosuid\",\"suid\",\"nodev\",\"dev\",\"noexec\","
	"\"exec\",\"strictatime\",\"relatime\",\"noatime\",\"bind\",\"rbind\",\"shared\","
	"\"rshared\",\"slave\",\"rslave\",\"private\",\"rprivate\",\"unbindable\","
	"\"runbindable\"],\n"
	" \"linux\":{\"namespaces\":[\"pid\",\"network\",\"mount\",\"ipc\",\"uts\",\"cgroup\"],\n"
	"  \"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false,\"systemdUser\":false},\n"
	"  \"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\",\"SCMP_ACT_ERRNO\","
	"\"SCMP_ACT_KILL\",\"SCMP_ACT_KILL_PROCESS\",\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\","
	"\"SCMP_ACT_TRAP\",\"SCMP_ACT_TRACE\"],\"operators\":[\"SCMP_CMP_NE\",\"SCMP_CMP_LT\","
	"\"SCMP_CMP_LE\",\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\",\"SCMP_CMP_GT\",\"SCMP_CMP_MASKED_EQ\"]},\n"
	"  \"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false}},\n"
	" \"annotations\":{\"run.mocker.init\":\"true: mocker-init as PID 1 in front of "
	"process.args\"}}\n";

	fputs(text, stdout);
	return fflush(stdout) == 0 ? 0 : EXIT_FAILURE;
}

static int
write_spec(const char *bundle)
{
	static const char text[] =
	"{\n"
	"  \"ociVersion\": \"" OCI_VERSION "\",\n"
	"  \"process\": {\n"
	"    \"terminal\": false,\n"
	"    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
	"    \"args\": [ \"sh\" ],\n"
	"    \"env\": [ \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
	"             \"TERM=xterm\" ],\n"
	"    \"cwd\": \"/\",\n"
	"    \"capabilities\": {\n"
	"      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
	"      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
	"    },\n"
	"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
	"    \"noNewPrivileges\": true\n"
	"  },\n"
	"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
	"  \"hostname\": \"mocker\",\n"
	"  \"mounts\": [\n"
	"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
	"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	"      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
	"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\",\n"
	"                   \"mode=0620\", \"gid=5\" ] },\n"
	"    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
	"    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
	"    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
	"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] }\n"
	"  ],\n"
	"  \"linux\": {\n"
	"    \"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },\n"
	"    \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
	"                    { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" } ],\n"
	"    \"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
	"      \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
	"      \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\" ],\n"
	"    \"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\",\n"
	"      \"/proc/sysrq-trigger\" ]\n"
	"  }\n"
	"}\n";
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof path, "%s/config.json", bundle ? bundle : ".");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		if (errno == EEXIST)
			die(EXIT_FAILURE, "%s: exists already", path);
		die_errno(EXIT_FAILURE, "cannot write %s", path);
	}
	if (write_all(fd, text, sizeof text - 1) < 0 || close(fd) < 0)
		die_errno(EXIT_FAILURE, "cannot write %s", path);
	return 0;
}

static int
version(void)
{
	printf("mocker-runc version %s\ncommit: %s\nspec: %s\n", MOCKER_VERSION, MOCKER_COMMIT,
	       OCI_VERSION);
	return fflush(stdout) == 0 ? 0 : EXIT_FAILURE;
}

/* ---- the command line ---- */

/* runc's global options: the index of the command. */
static int
global_options(int argc, char **argv)
{
	enum { ROOT, LOG, LOG_FORMAT, CRIU, ROOTLESS, DEBUG, SYSTEMD_CGROUP };
	static const struct { const char *name; int arg; } globals[] = {
		[ROOT] = { "--root", 1 }, [LOG] = { "--log", 1 }, [LOG_FORMAT] = { "--log-format", 1 },
		[CRIU] = { "--criu", 1 }, [ROOTLESS] = { "--rootless", 1 }, [DEBUG] = { "--debug", 0 },
		[SYSTEMD_CGROUP] = { "--systemd-cgroup", 0 },
	};
	int i = 1, k;

	while (i < argc && argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2]) {
		const char *a = argv[i], *eq = strchr(a, '='), *v = "";
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		if (strcmp(a, "--help") == 0 || strcmp(a, "--version") == 0)
			break;
		for (k = 0; k < (int)(sizeof globals / sizeof globals[0]); k++)
			if (strlen(globals[k].name) == n && strncmp(a, globals[k].name, n) == 0)
				break;
		if (k == (int)(sizeof globals / sizeof globals[0]))
			usage_error("unknown option '%s'", a);
		if (globals[k].arg) {
			if (!eq && i + 1 >= argc)
				usage_error("option '%s' needs a value", a);
			v = eq ? eq + 1 : argv[i + 1];
		}
		switch (k) {
		case ROOT:
			oci_root = v;
			break;
		case LOG:
			if ((log_fd = open(v, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
				die_errno(EXIT_FAILURE, "--log '%s'", v);
			break;
		case LOG_FORMAT:
			if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
				usage_error("--log-format '%s': text or json", v);
			log_json = strcmp(v, "json") == 0;
			break;
		case ROOTLESS:
			if (strcmp(v, "false") != 0 && strcmp(v, "auto") != 0)
				die(EXIT_FAILURE, "--rootless %s: rootless OCI containers are not "
				    "supported yet", v);
			break;
		case DEBUG:
			debug = log_verbose = 1;
			break;
		case SYSTEMD_CGROUP:
			die(EXIT_FAILURE, "--systemd-cgroup: systemd's cgroup driver is not supported "
			    "(use cgroupfs: podman --cgroup-manager cgroupfs, containerd "
			    "SystemdCgroup = false)");
		default: /* --criu: checkpoints are not supported, its path unused */
			break;
		}
		i += eq || !globals[k].arg ? 1 : 2;
	}
	return i;
}

int
oci_wanted(int argc, char **argv)
{
	static const char *const only_oci[] = { "create", "start", "state", "delete", "list",
		"features", "spec", "pause", "resume", "events", "update", "checkpoint",
		"restore", NULL };
	const char *root = OCI_ROOT_DEFAULT;
	char *self = strrchr(argv[0], '/');
	int i, k;

	if (strcmp(self ? self + 1 : argv[0], "mocker-runc") == 0)
		return 1;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i += 2) {
		if (strcmp(argv[i], "--log") == 0 || strcmp(argv[i], "--log-format") == 0 ||
		    strcmp(argv[i], "--systemd-cgroup") == 0 || strcmp(argv[i], "--debug") == 0)
			return 1;
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			root = argv[i + 1];
		else if (strcmp(argv[i], "--storage") != 0)
			break;
	}
	if (i >= argc)
		return 0;
	for (k = 0; only_oci[k]; k++)
		if (strcmp(argv[i], only_oci[k]) == 0)
			return 1;
	/* kill ID SIG, exec --process, ps ID: an OCI container's ID */
	if (strcmp(argv[i], "kill") == 0 || strcmp(argv[i], "exec") == 0 ||
	    strcmp(argv[i], "ps") == 0) {
		for (k = i + 1; k < argc; k++) {
			char dir[PATH_MAX];
			struct stat st;
			if (strcmp(argv[k], "--process") == 0 || strcmp(argv[k], "-p") == 0)
				return 1;
			snprintf(dir, sizeof dir, "%s/%s", root, argv[k]);
			if (argv[k][0] != '-' && oci_id_valid(argv[k]) && stat(dir, &st) == 0)
				return 1;
		}
	}
	return 0;
}

int
oci_main(int argc, char **argv)
{
	static const struct option create_longs[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "console-socket", required_argument, NULL, 256 },
		{ "detach", no_argument, NULL, 'd' },
		{ "no-pivot", no_argument, NULL, 'N' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "keep", no_argument, NULL, 'k' },
		{ "no-subreaper", no_argument, NULL, 'S' },
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "process", required_argument, NULL, 'p' },
		{ "tty", no_argument, NULL, 't' },
		{ "cwd", required_argument, NULL, 'W' },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "cap", required_argument, NULL, 'C' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "ignore-paused", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct create_opts co = { 0 };
	struct exec_opts eo = { 0 };
	const char *shorts;
	int first, opt, all = 0, force = 0, quiet = 0, json = 0;
	const char *cmd, *id;

	log_name = "mocker-runc";
	log_setup_status = EXIT_FAILURE; /* runc's status for any failure */
	first = global_options(argc, argv);
	if (first >= argc) {
		fputs(usage, stderr);
		return EXIT_FAILURE;
	}
	cmd = argv[first];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-v") == 0 ||
	    strcmp(cmd, "version") == 0)
		return version();
	argc -= first;
	argv += first;
	optind = 1;
	opterr = 0;
	/* -f is list's and ps's --format, delete's --force */
	shorts = strcmp(cmd, "list") == 0 || strcmp(cmd, "ps") == 0 ? "+qf:h" :
	         strcmp(cmd, "exec") == 0 ? "+dp:te:u:c:h" : "+b:dafh";
	while ((opt = getopt_long(argc, argv, shorts, create_longs, NULL)) != -1) {
		if ((strcmp(cmd, "list") == 0 || strcmp(cmd, "ps") == 0) && opt == 'f')
			opt = 'o';
		if (strcmp(cmd, "exec") == 0 && opt == 'c')
			opt = 'C';
		switch (opt) {
		case 'p': eo.process = optarg; break;
		case 't': eo.tty = 1; break;
		case 'W': eo.cwd = optarg; break;
		case 'u': eo.user = optarg; break;
		case 'n': eo.no_new_privs = 1; break;
		case 'e':
			if (eo.nenv == 64)
				usage_error("exec: more than 64 --env");
			eo.env[eo.nenv++] = optarg;
			break;
		case 'C': {
			int cap = cap_parse(optarg);
			if (cap < 0)
				usage_error("exec: --cap '%s': unknown capability", optarg);
			eo.caps |= 1ULL << cap;
			break;
		}
		case 'b': co.bundle = optarg; break;
		case 'P': co.pid_file = optarg; break;
		case 256: co.console_socket = optarg; break;
		case 'd': co.detach = 1; break;
		case 'a': all = 1; break;
		case 'f': force = 1; break;
		case 'q': quiet = 1; break;
		case 'o':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
				usage_error("--format '%s': table or json", optarg);
			json = strcmp(optarg, "json") == 0;
			break;
		case 'h': fputs(usage, stdout); return 0;
		case 'F':
			if (strspn(optarg, "0123456789") != strlen(optarg) || !*optarg ||
			    atoi(optarg) > 1000)
				usage_error("--preserve-fds '%s': a number of descriptors from 3 on",
				            optarg);
			co.preserve_fds = atoi(optarg);
			break;
		case 'N': case 'K': case 'k': case 'S':
			break; /* pivot_root, a new keyring: always; nothing to keep */
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (debug)
		note("%s", cmd);
	if (strcmp(cmd, "features") == 0)
		return features();
	if (strcmp(cmd, "spec") == 0)
		return write_spec(co.bundle);
	if (strcmp(cmd, "list") == 0)
		return list(quiet, json);
	id = need_id(argc, argv, cmd);
	/* what clones into the container's namespaces: a sealed copy */
	if (strcmp(cmd, "create") == 0 || strcmp(cmd, "run") == 0 || strcmp(cmd, "exec") == 0)
		self_seal(argv - first);
	if (strcmp(cmd, "create") == 0) {
		if (optind < argc)
			usage_error("create: one ID only, '%s' is one more", argv[optind]);
		create(id, &co);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return run(id, &co);
	if (strcmp(cmd, "exec") == 0)
		return do_exec(id, &co, &eo, argc, argv);
	if (strcmp(cmd, "start") == 0)
		return start(id);
	if (strcmp(cmd, "state") == 0)
		return state(id);
	if (strcmp(cmd, "kill") == 0)
		return do_kill(id, optind < argc ? argv[optind] : NULL, all);
	if (strcmp(cmd, "delete") == 0)
		return delete(id, force);
	if (strcmp(cmd, "ps") == 0)
		return ps(id, json);
	if (strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0)
		return freeze(id, cmd[0] == 'p');
	die(EXIT_FAILURE, "unknown command '%s' (mocker-runc --help lists them)", cmd);
}
