/*
 * mocker: the host launcher. `mocker run ROOTFS [COMMAND...]` starts
 * COMMAND in ROOTFS with its own PID, mount, UTS, IPC, network and cgroup
 * namespaces, pivot_root'ed into the image, with mocker-init as PID 1.
 *
 * Exit status:
 *   N     the container's (its PID 1's) exit status, 128+N for signal N
 *   125   mocker failed: bad input, or a setup step (one line says which)
 *   126   the command cannot be executed
 *   127   the command was not found
 */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <stdarg.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "about.h"
#include "commands.h"
#include "ctrlog.h"
#include "ctrstate.h"
#include "caps.h"
#include "cgroup.h"
#include "config.h"
#include "container.h"
#include "chown.h"
#include "file.h"
#include "option_values.h"
#include "publish.h"
#include "initfd.h"
#include "hostname.h"
#include "image_cmds.h"
#include "image_run.h"
#include "store.h"
#include "log.h"
#include "monitor_exec.h"
#include "oci.h"
#include "run.h"
#include "selfseal.h"
#include "terminal.h"
#include "seccomp_filter.h"

#ifndef MOCKER_INIT_PATH
#define MOCKER_INIT_PATH "/usr/local/bin/mocker-init"
#endif

static const char usage[] =
"usage: mocker [--root DIR] [--storage DIR] COMMAND ...\n"
"  run [OPTION]... ROOTFS|IMAGE [COMMAND [ARG]...]  run a container (-d: in the\n"
"                                               background)\n"
"  ps [-a] [-q] [--format TEMPLATE]             the containers\n"
"  exec [-it] [-u USER] [-w DIR] [-e K=V] NAME CMD...  CMD inside, as it is\n"
"  logs [-f] [-t] [--tail N] NAME               what a detached one wrote\n"
"  stop [-t SECONDS] NAME...                    stop it (its stop signal, then kill)\n"
"  kill [-s SIG] NAME...                        a signal to its init (KILL)\n"
"  wait NAME...                                 wait for it to end; its exit code\n"
"  rm [-f] NAME...                              forget an exited one (-f: kill it)\n"
"  inspect NAME...                              its state, as JSON\n"
"  port NAME [CTR_PORT[/udp]]                   its published ports\n"
"  pull [-q] [--tls-verify=false] [--creds U:P] REF  an image into the store\n"
"  images [-q] [--no-trunc]                     the images of the store\n"
"  rmi NAME|ID...                               remove images no container uses\n"
"  image prune [-a]                             remove unnamed (-a: unused) images\n"
"  --help | --version\n"
"--root DIR (MOCKER_ROOT): where containers' state is kept (/run/mocker for\n"
"root). --storage DIR (MOCKER_STORAGE): the image store (/var/lib/mocker for\n"
"root, else $XDG_DATA_HOME/mocker). See mocker run --help, and mocker(1).\n"
"As mocker-runc: runc's command line, an OCI runtime (mocker-runc --help).\n"
"MIT license.\n";

/* mocker [--root DIR] [--storage DIR] COMMAND: the index of COMMAND. */
static int
global_options(int argc, char **argv)
{
	int i = 1;

	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		const char *a = argv[i], *v = strchr(a, '=');
		int root = strncmp(a, "--root", 6) == 0 && (a[6] == 0 || a[6] == '=');
		int storage = strncmp(a, "--storage", 9) == 0 && (a[9] == 0 || a[9] == '=');
		if (!root && !storage)
			break;
		if (!v && i + 1 >= argc)
			die(EXIT_SETUP, "option '%s' needs a value (see mocker --help)", a);
		if (root)
			ctr_set_root(v ? v + 1 : argv[i + 1]);
		else
			store_set(v ? v + 1 : argv[i + 1]);
		i += v ? 1 : 2;
	}
	return i;
}

/* The container as mocker's commands see it: a foreground run shows in
 * ps while it runs and leaves nothing; -d keeps it until rm. */
static struct ctr ctr;

/* A run that dies before its container started leaves no state and no
 * name: whichever of our processes keeps it (the monitor, for -d). */
static pid_t state_keeper;

static void
forget_unstarted(void)
{
	if (getpid() == state_keeper && ctr.status == CTR_CREATED)
		ctr_remove(&ctr);
}

static void
register_container(struct container *ct, const struct config *c)
{
	size_t n = 0;
	int i;

	if (ctr_create(&ctr, c->name, c->detach) < 0) {
		if (errno == EEXIST)
			die(EXIT_SETUP, "--name '%s': name in use", c->name);
		die_errno(EXIT_SETUP, "cannot keep the container's state in %s",
		          ctr_root_name());
	}
	ctr.detached = c->detach;
	ctr.auto_remove = c->rm;
	ctr.stop_signal = c->stop_signal;
	ctr.stop_timeout = c->stop_timeout;
	snprintf(ctr.rootfs, sizeof ctr.rootfs, "%s", ct->rootfs);
	for (i = 0; c->argv && c->argv[i] && n < sizeof ctr.command - 2; i++)
		n += (size_t)snprintf(ctr.command + n, sizeof ctr.command - n, "%s%s",
		                      i ? " " : "", c->argv[i]);
	if (!c->argv)
		snprintf(ctr.command, sizeof ctr.command, "%s", "(the image's)");
	publish_describe(c, ctr.ports, sizeof ctr.ports);
	ct->ctr = &ctr;
	state_keeper = getpid();
	log_at_exit(forget_unstarted);
}


static void
log_sink(void *ctx, int stream, const char *buf, size_t n)
{
	ctrlog_write(ctx, stream, buf, n);
}

/*
 * -d: the rest runs in a monitor, a process of its own session that keeps
 * the container's log and state; we wait for its word that the container
 * started ("ok"), print the id and exit 0, or pass on why not ("CODE
 * text") and its exit status. What it says before that goes to our stderr.
 */
static void
detach(struct container *ct)
{
	char buf[1100];
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno(EXIT_SETUP, "cannot make a pipe");
	if ((pid = fork()) < 0)
		die_errno(EXIT_SETUP, "cannot start the container's monitor");
	if (pid == 0) {
		close(p[0]);
		state_keeper = getpid(); /* the monitor keeps it now */
		setsid();
		ct->status_fd = p[1];
		if (terminal_prepare_detached(&ct->term, log_sink, &ct->log) < 0 ||
		    ctrlog_open(&ct->log, ctr.dir) < 0)
			die_errno(EXIT_SETUP, "cannot make the container's log");
		return;
	}
	close(p[1]);
	while ((n = read(p[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			got += n;
	buf[got] = 0;
	if (strncmp(buf, "ok", 2) == 0) {
		printf("%s\n", ctr.id);
		exit(fflush(stdout) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got > 4) {
		buf[strcspn(buf, "\n")] = 0;
		report("%s", buf + 4);
		exit(atoi(buf));
	}
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SETUP);
}

/* A short hostname from the image directory: .../images/busybox/rootfs
 * gives "busybox", /srv/web gives "web". */
static void
default_hostname(struct container *ct)
{
	char path[PATH_MAX], *base, *out = ct->hostname;
	size_t n = 0;

	snprintf(path, sizeof path, "%s", ct->rootfs);
	if (ct->image) /* HOST/NAME:TAG: NAME */
		path[strcspn(path, ":@")] = 0;
	base = basename(path);
	if (!ct->image && (strcmp(base, "rootfs") == 0 || strcmp(base, "root") == 0)) {
		base[-1] = 0; /* realpath: there is a '/' before it */
		base = basename(path);
	}
	for (; *base && n < 63; base++) {
		char c = *base;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (ok || (n > 0 && out[n - 1] != '-'))
			out[n++] = ok ? c : '-';
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = 0;
	if (!hostname_valid(out))
		strcpy(out, "mocker");
}

/* mocker-init next to this mocker (build/ or an installed bin/), else the
 * installed one. */
static void
find_host_init(struct container *ct)
{
	char self[PATH_MAX], *dir;

	if (self_path(self, sizeof self) == 0) {
		dir = dirname(self);
		snprintf(ct->init_host, sizeof ct->init_host, "%s/mocker-init", dir);
		if (access(ct->init_host, X_OK) == 0)
			return;
	}
	snprintf(ct->init_host, sizeof ct->init_host, "%s", MOCKER_INIT_PATH);
	if (access(ct->init_host, X_OK) != 0)
		ct->init_host[0] = 0;
}

/* What our caller made us ignore (SigIgn of /proc/self/status). */
static unsigned long long
ignored_signals(void)
{
	char buf[8192], *p;

	if (file_read(NULL, "/proc/self/status", buf, sizeof buf) <= 0)
		return 0;
	return (p = strstr(buf, "SigIgn:")) ? strtoull(p + 7, NULL, 16) : 0;
}

/* Everything that can be checked on the host, before any namespace. */
void
prepare(struct container *ct, const struct config *c)
{
	struct stat st;
	const char *env;
	int i;

	ct->c = c;
	ct->rootfd = ct->procfd = ct->sysfd = ct->devfd = ct->sync_fd = ct->init_memfd = -1;
	ct->root_idmapped = -1;
	ct->exec_pidfd = ct->exec ? ct->exec_pidfd : -1;
	ct->status_fd = ct->netns_fd = ct->start_fd = -1;
	ct->cg.guard_fd = ct->cg.v2fd = -1;
	ct->pasta = 0;
	/* --net private: as root Docker's way (bridge.h), else pasta */
	ct->bridge = c->net == NET_PRIVATE && !c->net_pasta && geteuid() == 0 && !ct->exec;
	for (i = 0; ct->bridge && i < c->npublish; i++) /* mocker0 is IPv4 */
		if (strchr(c->publish[i].ip, ':'))
			die(EXIT_SETUP, "-p '%s': an IPv6 host address needs --net pasta",
			    c->publish[i].spec);
	for (i = 0; i < MAX_VOLUMES; i++)
		ct->volume_idmapped[i] = -1;
	if (ct->image) {
		const char *store = store_dir();
		if (!store)
			die_errno(EXIT_SETUP, "the image store %s", store_name());
		snprintf(ct->store_root, sizeof ct->store_root, "%s", store);
		snprintf(ct->rootfs, sizeof ct->rootfs, "%s",
		         ct->image->name[0] ? ct->image->name : ct->image->id);
		if (c->userns && geteuid() == 0)
			die(EXIT_SETUP, "--userns: not yet for an image's container (its layers are "
			    "the host's ids); run a root filesystem directory");
		if (c->overlay_upper)
			die(EXIT_SETUP, "--overlay=%s: an image's container keeps its changes in the "
			    "store until mocker rm", c->overlay_upper);
	} else {
		/* (run has said what else ROOTFS could be: image_for_run) */
		if (!realpath(c->rootfs, ct->rootfs))
			die_errno(EXIT_SETUP, "rootfs '%s'", c->rootfs);
		if (stat(ct->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
			die(EXIT_SETUP, "rootfs '%s': not a directory", c->rootfs);
		if (strcmp(ct->rootfs, "/") == 0)
			die(EXIT_SETUP, "rootfs '/': the host's root cannot be a container's");
	}
	if (c->hostname)
		snprintf(ct->hostname, sizeof ct->hostname, "%s", c->hostname);
	else if (!c->oci) /* OCI: none given, none set */
		default_hostname(ct);
	for (i = 0; i < c->nvolumes; i++)
		if (stat(c->volumes[i].host, &st) < 0)
			die_errno(EXIT_SETUP, "volume source '%s'", c->volumes[i].host);
	if (c->init_path && access(c->init_path, X_OK) < 0)
		die_errno(EXIT_SETUP, "--init '%s'", c->init_path);
	if (c->overlay_upper && stat(c->overlay_upper, &st) == 0 && !S_ISDIR(st.st_mode))
		die(EXIT_SETUP, "--overlay '%s': not a directory", c->overlay_upper);
	if (c->net == NET_NS && !ct->exec) {
		if ((ct->netns_fd = open(c->net_ns, O_RDONLY | O_CLOEXEC)) < 0)
			die_errno(EXIT_SETUP, "--net ns:%s", c->net_ns);
		if (ioctl(ct->netns_fd, NS_GET_NSTYPE) != CLONE_NEWNET)
			die(EXIT_SETUP, "--net ns:%s: not a network namespace (a file such as "
			    "/run/netns/NAME or /proc/PID/ns/net)", c->net_ns);
	}
	find_host_init(ct);
	/* What PID 1 runs is a sealed copy of the init, made here on the host;
	 * our init also runs the image's own /sbin/init and --no-init's
	 * command (container.h). */
	if (c->init_path) {
		if ((ct->init_memfd = initfd_copy(c->init_path, &ct->init_memfd_ours)) < 0)
			die_errno(EXIT_SETUP, "--init '%s'", c->init_path);
	} else if (!*ct->init_host) {
		die(EXIT_SETUP, "mocker-init was not found next to mocker nor at %s "
		    "(make install, or --init PATH)", MOCKER_INIT_PATH);
	} else if ((ct->init_memfd = initfd_copy(ct->init_host, &ct->init_memfd_ours)) < 0) {
		die_errno(EXIT_SETUP, "cannot copy the init %s", ct->init_host);
	} else if (!ct->init_memfd_ours) {
		die(EXIT_SETUP, "%s is not a mocker-init of this version", ct->init_host);
	}

	ct->host_uid = getuid();
	ct->host_gid = getgid();
	ct->rootless = geteuid() != 0;
	ct->userns = ct->rootless || c->userns;
	ct->idmap = ct->userns && !ct->rootless;
	if (c->userns_keep_id && !ct->rootless)
		die(EXIT_SETUP, "--userns=keep-id: for rootless runs (as root, your uid is root's)");
	if (ct->userns)
		userns_plan(&ct->maps, ct->rootless, c->userns_keep_id, c->userns_base,
		            c->userns_size);
	/* :U with --userns: the paths become container root's first, so that
	 * it can give them on inside its namespace */
	for (i = 0; i < c->nvolumes && ct->idmap && !ct->exec; i++)
		if (c->volumes[i].chown &&
		    chown_tree(c->volumes[i].host, ct->maps.base, ct->maps.base) < 0)
			die_errno(EXIT_SETUP, "--volume %s:%s:U", c->volumes[i].host,
			          c->volumes[i].dest);
	for (i = 0; i < c->nvolumes; i++)
		if (c->volumes[i].idmap && !ct->idmap)
			die(EXIT_SETUP, "--volume '%s:%s:idmap': %s", c->volumes[i].host,
			    c->volumes[i].dest, ct->rootless ?
			    "idmapped mounts need root (the kernel wants CAP_SYS_ADMIN over the "
			    "filesystem's user namespace): use :U, or files of your own" :
			    "idmap maps ids into a user namespace: it needs --userns");
	ct->last_cap = caps_last();
	ct->caps = caps_effective(c->cap_add, c->cap_drop, ct->last_cap);
	if ((ct->caps & (1ULL << 21 /* SYS_ADMIN */)) && !ct->userns && !c->oci)
		warnx_("CAP_SYS_ADMIN without --userns: the container can take the host over "
		       "(a cgroup v1 release_agent, /sys/kernel/uevent_helper...); add --userns");
	if (c->seccomp && !c->oci && seccomp_filter_for(ct->caps, &ct->seccomp) < 0)
		die_errno(EXIT_SETUP, "cannot make the seccomp filter");
	if (terminal_prepare(&ct->term, c->tty) < 0)
		die_errno(EXIT_SETUP, "cannot make pipes for the terminal");
	ct->ignored = ignored_signals();

	/* Socket activation: sockets passed to us go to the container. */
	if ((env = getenv("LISTEN_PID")) && atol(env) == (long)getpid() &&
	    (env = getenv("LISTEN_FDS")))
		ct->listen_fds = atoi(env) > 0 && atoi(env) < 1024 ? atoi(env) : 0;
	/* A test hook: fail setup step N as if its system call had. */
	if ((env = getenv("MOCKER_FAIL_STEP")))
		ct->fail_step = atoi(env);
	/* Another: signals forwarded at once and the init not told, so that
	 * a test can show what the handshake prevents. */
	ct->no_signal_hold = getenv("MOCKER_TEST_NO_SIGNAL_HOLD") != NULL;
}

static const unsigned long long all_signals = ~0ULL;

/* The run arguments of a running container: its monitor's command line
 * ("mocker [--root DIR] run ..."), from "run" on; NULL if it is gone. */
static char **
run_args(const struct ctr *c, int *argc)
{
	static char buf[1 << 20], *argv[32768];
	char path[64];
	ssize_t n, i;
	int k = 0, start = -1;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)c->monitor);
	if (!ctr_alive(c->monitor, c->mon_start) ||
	    (n = file_read(NULL, path, buf, sizeof buf)) <= 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (!buf[i])
			k++;
	if (k >= (int)(sizeof argv / sizeof argv[0]))
		return NULL;
	*argc = 0;
	for (i = 0; i < n && *argc < k; i += (ssize_t)strlen(buf + i) + 1) {
		if (start < 0 && strcmp(buf + i, "run") == 0)
			start = *argc;
		argv[(*argc)++] = buf + i;
	}
	if (start < 0)
		return NULL;
	*argc -= start;
	return argv + start;
}

/* A container of an image: the image's Env, User and WorkingDir for
 * exec too, from the store its directory is in (STORE/containers/CID). */
static int
exec_image(const struct ctr *c, struct config *cfg, struct container *ct)
{
	static struct image img;
	char store[PATH_MAX], id[80], why[512], *cut;

	snprintf(store, sizeof store, "%s", c->store);
	if (!(cut = strstr(store, "/containers/")) || file_read(c->store, "image", id, sizeof id) < 64)
		return -1;
	*cut = 0;
	id[64] = 0;
	store_set(store);
	/* (a whole id: that image, whatever names the store has) */
	if (strspn(id, "0123456789abcdef") != 64 || image_find(id, &img, why, sizeof why) != 0)
		return -1;
	image_apply(cfg, &img, 1);
	ct->image = &img;
	return 0;
}

/*
 * mocker exec [-it] [-u USER] [-w DIR] [-e K=V] NAME CMD...: CMD inside a
 * running container with exactly its restrictions, made the way its own
 * run made them: the run's options (its monitor's command line) parsed
 * again, then the exec plan (plan.c) from its namespaces on.
 */
static int
cmd_exec(int argc, char **argv, struct container *ct, struct config *cfg)
{
	static const struct option o[] = {
		{ "interactive", no_argument, NULL, 'i' }, { "tty", no_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' }, { "workdir", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' }, { NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *workdir = NULL, *env[MAX_ENV];
	int opt, nenv = 0, tty = 0, rargc, i;
	char **rargv, **cmd;
	const char *name;
	struct ctr c;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:itu:w:e:", o, NULL)) != -1) {
		switch (opt) {
		case 'i': break;
		case 't': tty = 1; break;
		case 'u': user = optarg; break;
		case 'w':
			if (optarg[0] != '/')
				die(EXIT_SETUP, "exec: -w '%s': must be an absolute path", optarg);
			workdir = optarg;
			break;
		case 'e':
			if (nenv == MAX_ENV || !optarg[0] || optarg[0] == '=')
				die(EXIT_SETUP, "exec: -e '%s': expected KEY=VALUE", optarg);
			env[nenv++] = optarg;
			break;
		case ':':
			die(EXIT_SETUP, "exec: option '%s' needs a value", argv[optind - 1]);
		default:
			die(EXIT_SETUP, "exec: unknown option '%s' (usage: mocker exec [-it] [-u USER] "
			    "[-w DIR] [-e K=V] NAME CMD...)", argv[optind - 1]);
		}
	}
	if (optind + 2 > argc)
		die(EXIT_SETUP, "exec: expected a container and a command (usage: mocker exec "
		    "[-it] [-u USER] [-w DIR] [-e K=V] NAME CMD...)");
	if (find_container("exec", argv[optind], &c) < 0)
		exit(1);
	name = argv[optind];
	cmd = argv + optind + 1;
	if (c.status != CTR_RUNNING || !ctr_alive(c.pid, c.pid_start) ||
	    !(rargv = run_args(&c, &rargc)))
		die(1, "exec: %s is not running", name);
	config_parse(cfg, rargc, rargv); /* (getopt's optind is its now) */
	log_quiet = 1; /* its run's warnings were said then */
	if (c.store[0] && exec_image(&c, cfg, ct) < 0)
		die(1, "exec: %s: its image is no longer in the store", name);
	cfg->detach = 0;
	cfg->tty = tty;
	cfg->no_init = 1;  /* our init's copy execs CMD in place (-x) */
	cfg->init_path = NULL;
	cfg->restart = NULL;
	if (user)
		cfg->user = user;
	if (workdir)
		cfg->workdir = workdir;
	for (i = 0; i < nenv; i++)
		opt_env(cfg, "exec: -e", env[i]);
	cfg->argv = cmd;
	ct->exec = 1;
	ct->exec_pid = c.pid;
	ct->exec_cgroup = c.cgroup[0] != 0; /* rootless without a delegated one: none */
	if ((ct->exec_pidfd = (int)syscall(SYS_pidfd_open, c.pid, 0)) < 0 ||
	    !ctr_alive(c.pid, c.pid_start))
		die(1, "exec: %s is not running", name);
	prepare(ct, cfg);
	ct->idmap = 0;
	ct->init_mode = INIT_COMMAND;
	return run_container(ct);
}

int
main(int argc, char **argv)
{
	static struct config cfg;
	static struct container ct;
	const char *why = NULL, *cmd;
	int r, first;

	/* Signals wait until there is a container to pass them to, and nothing
	 * of ours (a cgroup) is left half made by one. An inherited SIG_IGN of
	 * SIGCHLD would have the kernel reap the container for us, with no
	 * status. */
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all_signals, &ct.sigmask, 8) < 0)
		die_errno(EXIT_SETUP, "cannot block signals");
	signal(SIGCHLD, SIG_DFL);
	mocker_argv = argv;
	if (oci_wanted(argc, argv)) {
		/* runc's command line; signals as any program takes them, but
		 * for create and run, which hold them as run does */
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &ct.sigmask, NULL, 8);
		return oci_main(argc, argv);
	}
	if ((first = global_options(argc, argv)) >= argc) {
		fputs(usage, stderr);
		return EXIT_SETUP;
	}
	cmd = argv[first];
	argc -= first;
	argv += first;
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0)
		return about_version();
	if (strcmp(cmd, "run") != 0) {
		/* the other commands take their signals as any program does */
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &ct.sigmask, NULL, 8);
		if (strcmp(cmd, "ps") == 0)
			return cmd_ps(argc, argv);
		if (strcmp(cmd, "logs") == 0)
			return cmd_logs(argc, argv);
		if (strcmp(cmd, "stop") == 0)
			return cmd_stop(argc, argv);
		if (strcmp(cmd, "kill") == 0)
			return cmd_kill(argc, argv);
		if (strcmp(cmd, "wait") == 0)
			return cmd_wait(argc, argv);
		if (strcmp(cmd, "rm") == 0)
			return cmd_rm(argc, argv);
		if (strcmp(cmd, "inspect") == 0)
			return cmd_inspect(argc, argv);
		if (strcmp(cmd, "port") == 0)
			return cmd_port(argc, argv);
		if (strcmp(cmd, "pull") == 0)
			return cmd_pull(argc, argv);
		if (strcmp(cmd, "images") == 0)
			return cmd_images(argc, argv);
		if (strcmp(cmd, "rmi") == 0)
			return cmd_rmi(argc, argv);
		if (strcmp(cmd, "image") == 0)
			return cmd_image(argc, argv);
		if (strcmp(cmd, "_ended") == 0)
			return cmd_ended(argc, argv);
		if (strcmp(cmd, "exec") == 0) {
			/* into namespaces with the container's processes in
			 * them: from a sealed copy (selfseal.h) */
			self_seal(mocker_argv);
			/* as run: signals held for the container */
			syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all_signals, NULL, 8);
			return cmd_exec(argc, argv, &ct, &cfg);
		}
		die(EXIT_SETUP, "unknown command '%s' (mocker --help lists them)", cmd);
	}

	config_parse(&cfg, argc, argv);
	{
		static struct image img;
		if (image_for_run(&cfg, &img, log_quiet))
			ct.image = &img;
	}
	if (cfg.userns_keep_id && !cfg.user && getuid() != 0) {
		/* keep-id: the caller inside, as the caller's own ids */
		static char me[48];
		snprintf(me, sizeof me, "%u:%u", (unsigned)getuid(), (unsigned)getgid());
		cfg.user = me;
	}
	if (cfg.npublish) {
		const struct publish *bad;
		unsigned port;
		if (publish_reserve(&cfg, &bad, &port) < 0) {
			if (errno == EADDRINUSE)
				die(EXIT_SETUP, "-p '%s': the host port %u/%s is in use", bad->spec, port,
				    bad->udp ? "udp" : "tcp");
			die(EXIT_SETUP, "-p '%s': cannot bind host port %u/%s: %s%s", bad->spec, port,
			    bad->udp ? "udp" : "tcp", strerror(errno),
			    errno == EACCES ? " (ports below 1024 need root)" : "");
		}
	}
	prepare(&ct, &cfg);
	register_container(&ct, &cfg);
	if (ct.image) {
		/* its upper layer, in the store, named for it: rmi sees it */
		if (store_container_make(ctr.id, ct.image->id, ctr.dir, ct.store_dir,
		                         sizeof ct.store_dir) < 0)
			die_errno(EXIT_SETUP, "cannot make the container's directory in %s",
			          store_name());
		snprintf(ctr.store, sizeof ctr.store, "%s", ct.store_dir);
	}
	if (cfg.detach)
		detach(&ct);

	/* The watcher first: it is told of each cgroup directory before it
	 * is made, so that a mocker killed at any point leaves none. */
	note("start the cgroup's watcher");
	if (!cfg.detach) { /* a foreground run leaves nothing, even killed */
		static char link[PATH_MAX + 160];
		if (ctr.named && ctr_root())
			snprintf(link, sizeof link, "%s/names/%s", ctr_root(), ctr.name);
		ct.cg.forget_file = ctr.dir;
		ct.cg.forget_link = link[0] ? link : NULL;
		ct.cg.forget_id = ctr.id;
	}
	if (cgroup_guard(&ct.cg) < 0)
		die_errno(EXIT_SETUP, "cannot start the cgroup watcher");
	note("make the container's cgroup");
	r = cgroup_create(&ct.cg, &cfg, &why);
	if (r < 0)
		die_errno(EXIT_SETUP, "cannot %s", why);
	if (r > 0 && (cfg.memory || cfg.pids_limit || cfg.cpu_quota_us))
		warnx_("cgroups are not available to this user: --memory, --pids-limit "
		       "and --cpus are ignored");
	if (ct.image && !cfg.detach && r == 0) {
		/* its upper layer goes when the container is gone, by the
		 * watcher: mocker run returns at once, and one killed leaves
		 * none (without a cgroup, no watcher: ctr_remove does it) */
		cgroup_guard_tree(&ct.cg, ct.store_dir);
		ctr.store_watched = 1;
	}
	return run_container(&ct);
}
