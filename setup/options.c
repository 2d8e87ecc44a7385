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
#include "option_values.h"
#include "publish.h"

static const char usage_text[] =
"usage: mocker run [OPTION]... ROOTFS|IMAGE [COMMAND [ARG]...]\n"
"Runs COMMAND (default /bin/sh, or the image's) in the root filesystem\n"
"ROOTFS or a container of IMAGE, in new PID, mount, UTS, IPC, network and\n"
"cgroup namespaces, with mocker-init as PID 1.\n"
"IMAGE: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE,\n"
"docker://HOST/NAME:TAG (pulled when missing), or an image of the store\n"
"(mocker images).\n"
"\n"
"What runs\n"
"      --entrypoint CMD     run CMD with COMMAND as its arguments\n"
"  -e, --env KEY[=VALUE]    set a variable (KEY alone: take it from here)\n"
"      --env-file FILE      variables from FILE, KEY=VALUE per line\n"
"  -w, --workdir DIR        working directory inside (default /)\n"
"  -u, --user USER[:GROUP]  run as USER, looked up in the image\n"
"      --group-add GROUP    a supplementary group (name or number)\n"
"      --init PATH          run this init as PID 1 (a sealed copy)\n"
"      --no-init            run COMMAND itself as PID 1\n"
"      --restart POLICY     no, on-failure[:N], always (by mocker-init)\n"
"  -t, --tty                a terminal of its own even when not run from one\n"
"  -i, --interactive        (accepted: stdin is always passed on)\n"
"  -d, --detach             in the background: print its id and return\n"
"      --name NAME          its name (default: made from its id)\n"
"      --rm                 remove a detached one when it ends\n"
"Stopping: SIGTERM or SIGINT to mocker stops the container\n"
"      --stop-signal SIG    sent to its init to stop it (TERM)\n"
"      --stop-timeout SECS  then everything is killed (10); the init's grace\n"
"Files\n"
"  -v, --volume HOST:DEST[:OPTIONS]  bind a host path; OPTIONS ro, rw, U, idmap\n"
"      --tmpfs PATH[:OPTIONS]  a fresh tmpfs; size=, mode=, uid=, gid=, ro,\n"
"                           exec, noexec, nosuid, nodev (noexec,nosuid,nodev)\n"
"      --read-only          make the root filesystem read-only\n"
"      --overlay[=DIR]      copy-on-write root; changes in DIR, else thrown away\n"
"      --shm-size SIZE      the size of /dev/shm (64m)\n"
"Network and names\n"
"      --net MODE           none: a network of its own with only loopback\n"
"                           (default); private (bridge): its own, reaching\n"
"                           out through the host (as root a veth pair on\n"
"                           mocker0, else pasta); pasta: through pasta;\n"
"                           host: the host's; ns:PATH: join that namespace\n"
"  -p, --publish [IP:][HOST_PORT:]CTR_PORT[/udp]  a port on the host's\n"
"                           (implies --net private; IP default 0.0.0.0)\n"
"  -P, --publish-all        the image's exposed ports, on free host ports\n"
"      --hostname NAME      hostname (default: from the image directory's name)\n"
"      --add-host NAME:IP   a line of the container's /etc/hosts\n"
"      --dns IP, --dns-search DOMAIN, --dns-option OPT  its /etc/resolv.conf\n"
"Limits and privileges\n"
"      --memory SIZE        memory limit (k, m, g suffixes)\n"
"      --pids-limit N       process limit\n"
"      --cpus FLOAT         CPU limit, in CPUs\n"
"      --ulimit NAME=SOFT[:HARD]  a resource limit (nofile, nproc, core...)\n"
"      --cap-add CAP        add a capability to the default set (ALL)\n"
"      --cap-drop CAP       drop a capability (ALL)\n"
"      --security-opt seccomp=unconfined|no-new-privileges=false\n"
"      --userns[=BASE:SIZE] map container root to BASE (default 100000:65536)\n"
"Images\n"
"      --tls-verify=false   a registry over plain HTTP (docker://)\n"
"      --creds USER[:PASS], --authfile FILE  the registry's credentials\n"
"Messages\n"
"  -q, --quiet              no warnings\n"
"      --verbose            say each step of the setup\n"
"  -h, --help               this help\n"
"  -V, --version            the version\n"
"\n"
"Exit status: the container's; 125 mocker failed; 126 the command cannot be\n"
"executed; 127 the command was not found. See mocker(1).\n"
"mocker is free software under the MIT license (LICENSE).\n";

enum {
	OPT_HOSTNAME = 256, OPT_READ_ONLY, OPT_TMPFS, OPT_NET, OPT_INIT, OPT_NO_INIT,
	OPT_MEMORY, OPT_PIDS, OPT_CPUS, OPT_CAP_ADD, OPT_CAP_DROP, OPT_SECURITY,
	OPT_USERNS, OPT_OVERLAY, OPT_VERBOSE, OPT_ENTRYPOINT, OPT_ENV_FILE,
	OPT_GROUP_ADD, OPT_RESTART, OPT_RM, OPT_STOP_SIGNAL, OPT_STOP_TIMEOUT,
	OPT_SHM_SIZE, OPT_ADD_HOST, OPT_DNS, OPT_DNS_SEARCH, OPT_DNS_OPTION, OPT_ULIMIT,
	OPT_NAME, OPT_TLS_VERIFY, OPT_CREDS, OPT_AUTHFILE,
};

static const struct option long_opts[] = {
	{ "hostname",     required_argument, NULL, OPT_HOSTNAME },
	{ "env",          required_argument, NULL, 'e' },
	{ "env-file",     required_argument, NULL, OPT_ENV_FILE },
	{ "entrypoint",   required_argument, NULL, OPT_ENTRYPOINT },
	{ "workdir",      required_argument, NULL, 'w' },
	{ "user",         required_argument, NULL, 'u' },
	{ "group-add",    required_argument, NULL, OPT_GROUP_ADD },
	{ "volume",       required_argument, NULL, 'v' },
	{ "read-only",    no_argument,       NULL, OPT_READ_ONLY },
	{ "tmpfs",        required_argument, NULL, OPT_TMPFS },
	{ "shm-size",     required_argument, NULL, OPT_SHM_SIZE },
	{ "net",          required_argument, NULL, OPT_NET },
	{ "network",      required_argument, NULL, OPT_NET },
	{ "publish",      required_argument, NULL, 'p' },
	{ "publish-all",  no_argument,       NULL, 'P' },
	{ "tls-verify",   optional_argument, NULL, OPT_TLS_VERIFY },
	{ "creds",        required_argument, NULL, OPT_CREDS },
	{ "authfile",     required_argument, NULL, OPT_AUTHFILE },
	{ "add-host",     required_argument, NULL, OPT_ADD_HOST },
	{ "dns",          required_argument, NULL, OPT_DNS },
	{ "dns-search",   required_argument, NULL, OPT_DNS_SEARCH },
	{ "dns-option",   required_argument, NULL, OPT_DNS_OPTION },
	{ "dns-opt",      required_argument, NULL, OPT_DNS_OPTION },
	{ "init",         required_argument, NULL, OPT_INIT },
	{ "no-init",      no_argument,       NULL, OPT_NO_INIT },
	{ "restart",      required_argument, NULL, OPT_RESTART },
	{ "rm",           no_argument,       NULL, OPT_RM },
	{ "detach",       no_argument,       NULL, 'd' },
	{ "name",         required_argument, NULL, OPT_NAME },
	{ "stop-signal",  required_argument, NULL, OPT_STOP_SIGNAL },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "memory",       required_argument, NULL, OPT_MEMORY },
	{ "pids-limit",   required_argument, NULL, OPT_PIDS },
	{ "cpus",         required_argument, NULL, OPT_CPUS },
	{ "ulimit",       required_argument, NULL, OPT_ULIMIT },
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

/* --entrypoint CMD: CMD, then the command's words as its arguments. */
static char *const *
with_entrypoint(const char *entrypoint, char **args, int nargs)
{
	char **argv = calloc((size_t)nargs + 2, sizeof *argv);

	if (!argv)
		die(EXIT_SETUP, "out of memory");
	argv[0] = (char *)entrypoint;
	memcpy(argv + 1, args, (size_t)nargs * sizeof *argv);
	return argv;
}

void
config_parse(struct config *c, int argc, char **argv)
{
	const char *entrypoint = NULL;
	int opt;

	memset(c, 0, sizeof *c);
	c->seccomp = 1;
	c->no_new_privs = 1;
	c->stop_signal = 15;
	c->stop_timeout = STOP_TIMEOUT_DEFAULT;
	c->tls_verify = 1;
	opterr = 0;
	optind = 1;
	/* "+": stop at ROOTFS, so the command's options stay its own; ":": a
	 * missing value is told apart from an unknown option. */
	while ((opt = getopt_long(argc, argv, "+:e:w:u:v:p:PqhVtid", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_HOSTNAME:
			if (!hostname_valid(optarg))
				opt_bad("--hostname", optarg,
				        "letters, digits, '-' and '.', at most 64 bytes");
			c->hostname = optarg;
			break;
		case 'e':          opt_env(c, "--env", optarg); break;
		case OPT_ENV_FILE: opt_env_file(c, optarg); break;
		case OPT_ENTRYPOINT: entrypoint = optarg; break;
		case 'w':
			if (optarg[0] != '/')
				opt_bad("--workdir", optarg, "must be an absolute path");
			c->workdir = optarg;
			break;
		case 'u':
			if (!*optarg || *optarg == ':')
				opt_bad("--user", optarg, "expected USER[:GROUP]");
			c->user = optarg;
			break;
		case OPT_GROUP_ADD: opt_group_add(c, optarg); break;
		case 'v':           opt_volume(c, optarg); break;
		case OPT_READ_ONLY: c->read_only = 1; break;
		case OPT_TMPFS:     opt_tmpfs(c, optarg); break;
		case OPT_SHM_SIZE:  c->shm_size = opt_size("--shm-size", optarg, 4096); break;
		case OPT_NET:
			c->net_given = 1;
			if (strcmp(optarg, "none") == 0)
				c->net = NET_NONE;
			else if (strcmp(optarg, "host") == 0)
				c->net = NET_HOST;
			else if (strcmp(optarg, "private") == 0 || strcmp(optarg, "bridge") == 0)
				c->net = NET_PRIVATE;
			else if (strcmp(optarg, "pasta") == 0) {
				c->net = NET_PRIVATE;
				c->net_pasta = 1;
			}
			else if (strncmp(optarg, "ns:", 3) == 0 && optarg[3] == '/') {
				c->net = NET_NS;
				c->net_ns = optarg + 3;
			} else
				opt_bad("--net", optarg, "expected none, private, pasta, host or ns:PATH");
			break;
		case 'p':           opt_publish(c, optarg); break;
		case 'P':           c->publish_all = 1; break;
		case OPT_TLS_VERIFY:
			if (!optarg || strcmp(optarg, "true") == 0)
				c->tls_verify = 1;
			else if (strcmp(optarg, "false") == 0)
				c->tls_verify = 0;
			else
				opt_bad("--tls-verify", optarg, "expected true or false");
			break;
		case OPT_CREDS:     c->creds = optarg; break;
		case OPT_AUTHFILE:  c->authfile = optarg; break;
		case OPT_ADD_HOST:   opt_add_host(c, optarg); break;
		case OPT_DNS:        opt_dns(c, optarg); break;
		case OPT_DNS_SEARCH: opt_dns_search(c, optarg); break;
		case OPT_DNS_OPTION: opt_dns_option(c, optarg); break;
		case OPT_INIT:
			if (!*optarg)
				opt_bad("--init", optarg, "expected a path");
			c->init_path = optarg;
			break;
		case OPT_NO_INIT:   c->no_init = 1; break;
		case OPT_RESTART:   c->restart = opt_restart(optarg); break;
		case OPT_RM:        c->rm = 1; break;
		case 'd':           c->detach = 1; break;
		case OPT_NAME:
			if (!optarg[0] || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			                          "0123456789", optarg[0]) ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			                   "0123456789_.-") != strlen(optarg) || strlen(optarg) > 100)
				opt_bad("--name", optarg, "expected [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 100");
			c->name = optarg;
			break;
		case OPT_STOP_SIGNAL:
			c->stop_signal = opt_signal("--stop-signal", optarg);
			c->stop_signal_given = 1;
			break;
		case OPT_STOP_TIMEOUT:
			c->stop_timeout = (int)opt_count("--stop-timeout", optarg, -1, 100000000L);
			break;
		case OPT_MEMORY:    c->memory = opt_size("--memory", optarg, 4ULL << 20); break;
		case OPT_PIDS:      c->pids_limit = opt_count("--pids-limit", optarg, 1, 1L << 22); break;
		case OPT_CPUS:      c->cpu_quota_us = opt_cpus(optarg); break;
		case OPT_ULIMIT:    opt_ulimit(c, optarg); break;
		case OPT_CAP_ADD:   opt_cap(&c->cap_add, "--cap-add", optarg); break;
		case OPT_CAP_DROP:  opt_cap(&c->cap_drop, "--cap-drop", optarg); break;
		case OPT_SECURITY:  opt_security(c, optarg); break;
		case OPT_USERNS:    opt_userns(c, optarg); break;
		case OPT_OVERLAY:
			c->overlay = 1;
			if (optarg && optarg[0] != '/')
				opt_bad("--overlay", optarg, "expected an absolute directory");
			c->overlay_upper = optarg;
			break;
		case 'q':           log_quiet = 1; break;
		case 't':           c->tty = 1; break;
		case 'i':           break;
		case OPT_VERBOSE:   log_verbose = 1; break;
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
	c->cmd = c->argv;
	c->entrypoint = entrypoint;
	if (entrypoint && *entrypoint)
		c->argv = with_entrypoint(entrypoint, argv + optind, argc - optind);
	if (c->npublish && c->net_given && c->net != NET_PRIVATE)
		die(EXIT_SETUP, "-p '%s': publishing a port needs --net private, not --net %s",
		    c->publish[0].spec, c->net == NET_HOST ? "host" : c->net == NET_NONE ? "none" :
		    "ns:");
	if (c->npublish)
		c->net = NET_PRIVATE;
	if (c->no_init && c->init_path)
		die(EXIT_SETUP, "--init and --no-init exclude each other");
	if (c->no_init && c->restart && strcmp(c->restart, "no") != 0)
		die(EXIT_SETUP, "--restart needs an init: it does not go with --no-init");
}
