#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"
#include "commands.h"
#include "ctrlog.h"
#include "ctrstate.h"
#include "log.h"
#include "signame.h"

int
find_container(const char *cmd, const char *what, struct ctr *c)
{
	if (ctr_find(what, c) == 0)
		return 0;
	if (errno == EEXIST)
		report("%s: '%s' is the start of more than one container's id", cmd, what);
	else if (errno == ENOENT)
		report("%s: no such container: %s", cmd, what);
	else
		report("%s: %s: %s", cmd, what, strerror(errno));
	return -1;
}

static int
running(const struct ctr *c)
{
	return c->status == CTR_RUNNING;
}

/* "Up 3 seconds", "Exited (137) About a minute ago": a duration as Docker
 * writes it (go-units' HumanDuration). */
static void
ago(long long ns, char *buf, size_t size)
{
	long long s = (ctr_now() - ns) / 1000000000LL, m = s / 60, h = m / 60;

	if (s < 1)
		snprintf(buf, size, "Less than a second");
	else if (s == 1)
		snprintf(buf, size, "1 second");
	else if (s < 60)
		snprintf(buf, size, "%lld seconds", s);
	else if (m == 1)
		snprintf(buf, size, "About a minute");
	else if (m < 60)
		snprintf(buf, size, "%lld minutes", m);
	else if (h == 1)
		snprintf(buf, size, "About an hour");
	else if (h < 48)
		snprintf(buf, size, "%lld hours", h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, size, "%lld days", h / 24);
	else if (h < 24 * 30 * 2)
		snprintf(buf, size, "%lld weeks", h / 24 / 7);
	else if (h < 24 * 365 * 2)
		snprintf(buf, size, "%lld months", h / 24 / 30);
	else
		snprintf(buf, size, "%lld years", h / 24 / 365);
}

static void
status_text(const struct ctr *c, char *buf, size_t size)
{
	char t[64];

	if (c->status == CTR_RUNNING) {
		ago(c->started, t, sizeof t);
		snprintf(buf, size, "Up %s", t);
	} else if (c->status == CTR_EXITED) {
		ago(c->finished, t, sizeof t);
		snprintf(buf, size, "Exited (%d) %s ago%s%s", c->exit_code, t,
		         c->reason[0] ? ", " : "", c->reason);
	} else {
		snprintf(buf, size, "Created");
	}
}

struct ps {
	int all, quiet;
	const char *format; /* without "table " */
	FILE *table;        /* a table: the rows, aligned at the end */
	char *rows;
	size_t size;
};

/* A Docker column's header, for a table. */
static const char *
header(const char *field)
{
	static const struct { const char *field, *name; } h[] = {
		{ ".ID", "CONTAINER ID" }, { ".Names", "NAMES" }, { ".Status", "STATUS" },
		{ ".State", "STATE" }, { ".Command", "COMMAND" }, { ".CreatedAt", "CREATED AT" },
		{ ".RunningFor", "CREATED" }, { ".Pid", "PID" }, { ".Image", "IMAGE" },
		{ ".Ports", "PORTS" },
	};
	size_t i;

	for (i = 0; i < sizeof h / sizeof h[0]; i++)
		if (strncmp(field, h[i].field, strlen(h[i].field)) == 0 &&
		    !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", field[strlen(h[i].field)]))
			return h[i].name;
	return "";
}

/* One line of fmt for c, or its header line when c is NULL. */
static void
print_format(FILE *f, const char *fmt, const struct ctr *c)
{
	char status[256] = "", created[64] = "";

	if (c) {
		status_text(c, status, sizeof status);
		ago(c->created, created, sizeof created);
	}
	for (const char *p = fmt; *p; p++) {
		const char *end;
		if (p[0] == '\\' && p[1] == 't') {
			putc('\t', f);
			p++;
			continue;
		}
		if (p[0] != '{' || p[1] != '{' || !(end = strstr(p, "}}"))) {
			putc(*p, f);
			continue;
		}
		p += 2;
		while (*p == ' ')
			p++;
#define IS(k) (strncmp(p, k, sizeof k - 1) == 0)
		if (!c)
			fputs(header(p), f);
		else if (IS(".ID"))
			fprintf(f, "%.12s", c->id);
		else if (IS(".Names"))
			fputs(c->name, f);
		else if (IS(".Status"))
			fputs(status, f);
		else if (IS(".State"))
			fputs(c->status == CTR_RUNNING ? "running" :
			      c->status == CTR_EXITED ? "exited" : "created", f);
		else if (IS(".Command"))
			fprintf(f, "\"%s\"", c->command);
		else if (IS(".CreatedAt") || IS(".RunningFor"))
			fprintf(f, "%s ago", created);
		else if (IS(".Pid"))
			fprintf(f, "%d", running(c) ? (int)c->pid : 0);
		else if (IS(".Image"))
			fputs(c->rootfs, f);
		else if (IS(".Ports"))
			fputs(running(c) ? c->ports : "", f);
#undef IS
		p = end + 1;
	}
	putc('\n', f);
}

/* The table's rows, tab-separated, as Docker's tabwriter aligns them: each
 * column as wide as its widest cell, three spaces between columns. */
static void
print_table(const char *rows)
{
	size_t width[32] = { 0 }, col = 0, cell = 0;
	const char *p;

	for (p = rows; *p; p++) {
		if (*p == '\t' || *p == '\n') {
			if (col < 32 && cell > width[col])
				width[col] = cell;
			col = *p == '\t' ? col + 1 : 0;
			cell = 0;
		} else if ((*p & 0xc0) != 0x80) { /* a character, not a byte */
			cell++;
		}
	}
	for (p = rows, col = cell = 0; *p; p++) {
		if (*p == '\t') {
			for (; col < 32 && cell < width[col] + 3; cell++)
				putchar(' ');
			col++;
			cell = 0;
		} else if (*p == '\n') {
			putchar('\n');
			col = cell = 0;
		} else {
			putchar(*p);
			cell += (*p & 0xc0) != 0x80;
		}
	}
}

static int
ps_one(struct ctr *c, void *ctx)
{
	struct ps *ps = ctx;

	if (!ps->all && !running(c))
		return 0;
	if (ps->quiet)
		printf("%.12s\n", c->id);
	else
		print_format(ps->table ? ps->table : stdout, ps->format, c);
	return 0;
}

int
cmd_ps(int argc, char **argv)
{
	static const struct option o[] = {
		{ "all", no_argument, NULL, 'a' }, { "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	struct ps ps = { 0 };
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+aqf:", o, NULL)) != -1) {
		switch (opt) {
		case 'a': ps.all = 1; break;
		case 'q': ps.quiet = 1; break;
		case 'f': ps.format = optarg; break;
		default:
			die(EXIT_SETUP, "ps: unknown option '%s' (usage: mocker ps [-a] [-q] "
			    "[--format TEMPLATE])", argv[optind - 1]);
		}
	}
	if (!ctr_root())
		die(EXIT_SETUP, "ps: %s: %s", ctr_root_name(), strerror(errno));
	if (!ps.format)
		ps.format = "table {{.ID}}\\t{{.Names}}\\t{{.Command}}\\t{{.RunningFor}}\\t"
		            "{{.Status}}\\t{{.Ports}}\\t{{.Pid}}";
	if (!ps.quiet && strncmp(ps.format, "table", 5) == 0) {
		ps.format += 5 + strspn(ps.format + 5, " ");
		if (!(ps.table = open_memstream(&ps.rows, &ps.size)))
			die_errno(1, "ps");
		print_format(ps.table, ps.format, NULL);
	}
	if (ctr_each(ps_one, &ps) < 0)
		die(EXIT_SETUP, "ps: %s: %s", ctr_root_name(), strerror(errno));
	if (ps.table) {
		if (fclose(ps.table) != 0)
			die_errno(1, "ps");
		print_table(ps.rows);
		free(ps.rows);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Waits until the container's monitor is gone (it has written the final
 * state), at most timeout_ms (-1: for ever). 0 done, -1 not in time. */
static int
wait_gone(const struct ctr *c, int timeout_ms)
{
	int fd = (int)syscall(SYS_pidfd_open, c->monitor, 0), r;
	struct pollfd p;

	if (fd < 0 || !ctr_alive(c->monitor, c->mon_start)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	p.fd = fd;
	p.events = POLLIN;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	close(fd);
	return r > 0 ? 0 : -1;
}

static int
done_logging(void *ctx)
{
	struct ctr *c = ctx, now;

	return ctr_find(c->id, &now) < 0 || !running(&now) || !ctr_alive(now.monitor, now.mon_start);
}

int
cmd_logs(int argc, char **argv)
{
	static const struct option o[] = {
		{ "follow", no_argument, NULL, 'f' }, { "timestamps", no_argument, NULL, 't' },
		{ "tail", required_argument, NULL, 'n' }, { NULL, 0, NULL, 0 },
	};
	int opt, follow = 0, ts = 0;
	long tail = -1;
	struct ctr c;
	char *end;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+ftn:", o, NULL)) != -1) {
		switch (opt) {
		case 'f': follow = 1; break;
		case 't': ts = 1; break;
		case 'n':
			if (strcmp(optarg, "all") == 0)
				break;
			tail = strtol(optarg, &end, 10);
			if (!*optarg || *end || tail < 0)
				die(EXIT_SETUP, "logs: --tail '%s': expected a number of lines or all", optarg);
			break;
		default:
			die(EXIT_SETUP, "logs: unknown option '%s' (usage: mocker logs [-f] [-t] "
			    "[--tail N] NAME)", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		die(EXIT_SETUP, "logs: expected one container (usage: mocker logs [-f] [-t] "
		    "[--tail N] NAME)");
	if (find_container("logs", argv[optind], &c) < 0)
		return 1;
	ctrlog_print(c.dir, tail, ts, follow && running(&c), done_logging, &c);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
cmd_stop(int argc, char **argv)
{
	static const struct option o[] = {
		{ "time", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 },
	};
	int opt, i, rc = 0;
	long timeout = -2;
	char *end;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+t:", o, NULL)) != -1) {
		if (opt != 't')
			die(EXIT_SETUP, "stop: unknown option '%s' (usage: mocker stop [-t SECONDS] "
			    "NAME...)", argv[optind - 1]);
		timeout = strtol(optarg, &end, 10);
		if (!*optarg || *end || timeout < -1 || timeout > 100000000)
			die(EXIT_SETUP, "stop: -t '%s': expected seconds", optarg);
	}
	if (optind >= argc)
		die(EXIT_SETUP, "stop: expected a container (usage: mocker stop [-t SECONDS] NAME...)");
	for (i = optind; i < argc; i++) {
		struct ctr c;
		union sigval v;
		if (find_container("stop", argv[i], &c) < 0) {
			rc = 1;
			continue;
		}
		if (running(&c) && ctr_alive(c.monitor, c.mon_start)) {
			/* the monitor stops it as SIGTERM to a foreground run
			 * does; the value is the timeout, + 2 (0: its own) */
			v.sival_int = timeout == -2 ? 0 : (int)timeout + 2;
			if (sigqueue(c.monitor, SIGTERM, v) < 0 && errno != ESRCH) {
				report("stop: %s: %s", argv[i], strerror(errno));
				rc = 1;
				continue;
			}
			wait_gone(&c, -1);
		}
		puts(argv[i]);
	}
	return rc;
}

int
cmd_kill(int argc, char **argv)
{
	static const struct option o[] = {
		{ "signal", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 },
	};
	int opt, i, rc = 0, sig = SIGKILL;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+s:", o, NULL)) != -1) {
		if (opt != 's')
			die(EXIT_SETUP, "kill: unknown option '%s' (usage: mocker kill [-s SIG] NAME...)",
			    argv[optind - 1]);
		if ((sig = sig_parse(optarg)) <= 0)
			die(EXIT_SETUP, "kill: -s '%s': unknown signal", optarg);
	}
	if (optind >= argc)
		die(EXIT_SETUP, "kill: expected a container (usage: mocker kill [-s SIG] NAME...)");
	for (i = optind; i < argc; i++) {
		struct ctr c;
		if (find_container("kill", argv[i], &c) < 0) {
			rc = 1;
			continue;
		}
		if (!running(&c) || !ctr_alive(c.pid, c.pid_start)) {
			report("kill: %s: not running", argv[i]);
			rc = 1;
			continue;
		}
		if (kill(c.pid, sig) < 0) {
			report("kill: %s: %s", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		puts(argv[i]);
	}
	return rc;
}

int
cmd_wait(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 2)
		die(EXIT_SETUP, "wait: expected a container (usage: mocker wait NAME...)");
	for (i = 1; i < argc; i++) {
		struct ctr c;
		if (find_container("wait", argv[i], &c) < 0) {
			rc = 1;
			continue;
		}
		wait_gone(&c, -1);
		if (ctr_find(c.id, &c) < 0) {
			report("wait: %s: removed while waited for", argv[i]);
			rc = 1;
			continue;
		}
		printf("%d\n", c.exit_code);
	}
	return fflush(stdout) == 0 ? rc : 1;
}

int
cmd_rm(int argc, char **argv)
{
	int i = 1, rc = 0, force = 0;

	if (argc > 1 && (strcmp(argv[1], "-f") == 0 || strcmp(argv[1], "--force") == 0)) {
		force = 1;
		i++;
	}
	if (i >= argc)
		die(EXIT_SETUP, "rm: expected a container (usage: mocker rm [-f] NAME...)");
	for (; i < argc; i++) {
		struct ctr c;
		if (find_container("rm", argv[i], &c) < 0) {
			rc = 1;
			continue;
		}
		if (running(&c) && ctr_alive(c.monitor, c.mon_start)) {
			if (!force) {
				report("rm: %s is running: stop it first, or rm -f", argv[i]);
				rc = 1;
				continue;
			}
			if (ctr_alive(c.pid, c.pid_start))
				kill(c.pid, SIGKILL);
			wait_gone(&c, -1);
			if (ctr_find(c.id, &c) < 0) /* --rm took it */
				goto said;
		}
		if (ctr_remove(&c) < 0) {
			report("rm: %s: %s", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
said:
		puts(argv[i]);
	}
	return rc;
}

/* A JSON string: the text with what JSON escapes escaped. */
static void
json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void
json_time(long long ns)
{
	char buf[64];
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;

	if (!ns) {
		json_str("0001-01-01T00:00:00Z");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	printf("\"%s.%09lldZ\"", buf, ns % 1000000000LL);
}

/* "0.0.0.0:8080->80/tcp, ..." as Docker's NetworkSettings.Ports:
 * "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}] (a range is
 * written as it is). */
static void
json_ports(const char *ports)
{
	char buf[sizeof ((struct ctr *)0)->ports], *p, *next, *arrow, *colon;
	int first = 1;

	snprintf(buf, sizeof buf, "%s", ports);
	for (p = buf; *p; p = next) {
		if ((next = strstr(p, ", ")))
			*next++ = 0;
		else
			next = p + strlen(p);
		while (*next == ' ')
			next++;
		if (!(arrow = strstr(p, "->")) || !(colon = strrchr(p, ':')) || colon > arrow)
			continue;
		*arrow = *colon = 0;
		if (p[0] == '[') { /* [::1] */
			p++;
			colon[-1] = 0;
		}
		printf("%s\n        ", first ? "" : ",");
		json_str(arrow + 2);
		printf(": [{\"HostIp\": ");
		json_str(p);
		printf(", \"HostPort\": ");
		json_str(colon + 1);
		printf("}]");
		first = 0;
	}
	if (!first)
		printf("\n      ");
}

int
cmd_inspect(int argc, char **argv)
{
	char logpath[4200];
	int i, rc = 0, first = 1;

	if (argc < 2)
		die(EXIT_SETUP, "inspect: expected a container (usage: mocker inspect NAME...)");
	printf("[");
	for (i = 1; i < argc; i++) {
		struct ctr c;
		if (find_container("inspect", argv[i], &c) < 0) {
			rc = 1;
			continue;
		}
		snprintf(logpath, sizeof logpath, "%s/log", c.dir);
		printf("%s\n  {\n    \"Id\": \"%s\",\n    \"Name\": ", first ? "" : ",", c.id);
		json_str(c.name);
		printf(",\n    \"Created\": ");
		json_time(c.created);
		printf(",\n    \"State\": {\n      \"Status\": \"%s\",\n      \"Running\": %s,\n"
		       "      \"Pid\": %d,\n      \"ExitCode\": %d,\n      \"OOMKilled\": %s,\n"
		       "      \"Error\": ",
		       running(&c) ? "running" : c.status == CTR_EXITED ? "exited" : "created",
		       running(&c) ? "true" : "false", running(&c) ? (int)c.pid : 0, c.exit_code,
		       c.oom ? "true" : "false");
		json_str(c.reason);
		printf(",\n      \"StartedAt\": ");
		json_time(c.started);
		printf(",\n      \"FinishedAt\": ");
		json_time(c.finished);
		printf("\n    },\n    \"Config\": {\n      \"Cmd\": ");
		json_str(c.command);
		printf(",\n      \"Image\": ");
		json_str(c.rootfs);
		printf(",\n      \"StopSignal\": \"%d\",\n      \"StopTimeout\": %d\n    },\n"
		       "    \"MonitorPid\": %d,\n    \"LogPath\": ", c.stop_signal, c.stop_timeout,
		       running(&c) ? (int)c.monitor : 0);
		json_str(logpath);
		printf(",\n    \"CgroupPath\": ");
		json_str(c.cgroup);
		printf(",\n    \"NetworkSettings\": {\n      \"IPAddress\": ");
		json_str(running(&c) ? c.ip : "");
		printf(",\n      \"Gateway\": \"%s\",\n      \"Ports\": {",
		       running(&c) && c.ip[0] ? BRIDGE_GW : "");
		json_ports(running(&c) ? c.ports : "");
		printf("}\n    }\n  }");
		first = 0;
	}
	printf("\n]\n");
	return fflush(stdout) == 0 ? rc : 1;
}

int
cmd_ended(int argc, char **argv)
{
	struct ctr c;

	pid_t monitor = getppid();

	if (argc != 4)
		return EXIT_SETUP;
	/* by its id only (a name may look like one), and only its monitor's
	 * word counts */
	if (ctr_load_id(argv[1], &c) < 0 || c.monitor != monitor ||
	    c.mon_start != proc_start_time(monitor))
		die(1, "_ended: %s: not a container this process monitors", argv[1]);
	return ctr_ended(&c, atoi(argv[2]), atoi(argv[3])) < 0 ? 1 : 0;
}

/* mocker port NAME [CTR_PORT[/PROTO]]: its published ports, as Docker
 * prints them ("80/tcp -> 0.0.0.0:8080"), from "0.0.0.0:8080->80/tcp". */
int
cmd_port(int argc, char **argv)
{
	char want[32] = "", *p, *next, *arrow;
	int found = 0;
	struct ctr c;

	if (argc < 2 || argc > 3 || argv[1][0] == '-')
		die(EXIT_SETUP, "port: expected a container (usage: mocker port NAME "
		    "[CTR_PORT[/tcp|/udp]])");
	if (argc == 3)
		snprintf(want, sizeof want, "%s%s", argv[2], strchr(argv[2], '/') ? "" : "/tcp");
	if (find_container("port", argv[1], &c) < 0)
		return 1;
	if (!running(&c))
		die(1, "port: %s is not running", argv[1]);
	for (p = c.ports; *p; p = next) {
		next = strstr(p, ", ");
		if (next) {
			*next = 0;
			next += 2;
		} else {
			next = p + strlen(p);
		}
		if (!(arrow = strstr(p, "->")))
			continue;
		*arrow = 0;
		if (want[0] && strcmp(arrow + 2, want) != 0)
			continue;
		found++;
		if (want[0])
			printf("%s\n", p);
		else
			printf("%s -> %s\n", arrow + 2, p);
	}
	if (want[0] && !found)
		die(1, "port: %s: no public port '%s' published", argv[1], argv[2]);
	return fflush(stdout) == 0 ? 0 : 1;
}
