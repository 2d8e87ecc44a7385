/*
 * mocker-init probe: a health check for images without curl, for Docker's
 * HEALTHCHECK and Kubernetes' exec probes. A TCP connect, an HTTP/1.0 GET
 * (no TLS, no resolver: the init has no heap), or a command killed at the
 * timeout. Prints one line on stdout, what was probed and how it went, and
 * exits 0 or 1 within the timeout; 2 for usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "defaults.h"
#include "errstr.h"
#include "log.h"
#include "num.h"
#include "sig.h"
#include "spawn.h"
#include "sys.h"

static long long end; /* the deadline, on mono_ms's clock */

static __attribute__((noreturn)) void
bad(const char *arg, const char *expected)
{
	die(EXIT_USAGE, "probe: '%s': expected %s" SEE_HELP, arg, expected);
}

/* Milliseconds left for poll, or -1 with ETIMEDOUT. */
static int
left(void)
{
	long long ms = end - mono_ms();

	if (ms > 0)
		return (int)ms;
	errno = ETIMEDOUT;
	return -1;
}

static int
wait_fd(int fd, short ev)
{
	struct pollfd p = { fd, ev, 0 };
	int ms = left(), r;

	if (ms < 0 || (r = poll(&p, 1, ms)) < 0)
		return -1;
	if (r == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

/* A numeric address into a (4 bytes for IPv4, else 16): 0, or -1. No
 * resolver, and no inet_pton (a kilobyte the init's budget lacks). */
static int
parse_ip4(const char *s, unsigned char *a)
{
	unsigned v;
	int i, d;

	for (i = 0; i < 4; i++) {
		for (v = 0, d = 0; d < 3 && *s >= '0' && *s <= '9'; d++)
			v = v * 10 + (unsigned)(*s++ - '0');
		if (!d || v > 255 || *s++ != (i < 3 ? '.' : 0))
			return -1;
		a[i] = (unsigned char)v;
	}
	return 0;
}

static int
parse_ip6(const char *s, unsigned char *a)
{
	unsigned g[8], v;
	int n = 0, gap = -1, d, i;

	if (s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	}
	while (*s && n < 8) {
		for (v = 0, d = 0; d < 4; d++, s++) {
			unsigned c = (unsigned)*s, x = c - '0' < 10 ? c - '0' :
			             (c | 32) - 'a' < 6 ? (c | 32) - 'a' + 10 : 16;
			if (x == 16)
				break;
			v = v * 16 + x;
		}
		if (!d)
			return -1;
		g[n++] = v;
		if (*s && *s++ != ':')
			return -1;
		if (*s == ':' && gap < 0) {
			gap = n;
			s++;
		} else if (!*s && s[-1] == ':') {
			return -1;
		}
	}
	if (*s || (gap < 0) != (n == 8))
		return -1;
	memset(a, 0, 16);
	for (i = 0; i < n; i++) {
		int at = gap >= 0 && i >= gap ? i + 8 - n : i;
		a[2 * at] = (unsigned char)(g[i] >> 8);
		a[2 * at + 1] = (unsigned char)g[i];
	}
	return 0;
}

/* Connects to HOST[:PORT] (HOST an IPv4 address, [IPv6] or localhost;
 * port the default); the socket, or -1 with errno. A bad address exits
 * EXIT_USAGE. */
static int
dial(const char *hp, unsigned long port)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} a = { .sa = { 0 } };
	const char *h = hp + (*hp == '['), *e = *hp == '[' ? strchr(h, ']') : strchrnul(h, ':');
	const char *p = e ? e + (*hp == '[') : "";
	char host[48];
	int fd, err;
	socklen_t el = sizeof err;

	if (!e || e - h >= (long)sizeof host ||
	    (*p && (*p != ':' || parse_ulong(p + 1, 65535, &port) < 0)) || !port)
		goto bad;
	memcpy(host, h, (size_t)(e - h));
	host[e - h] = 0;
	/* in network order, whatever the machine's (sin6_port is at the same place) */
	((unsigned char *)&a.in.sin_port)[0] = (unsigned char)(port >> 8);
	((unsigned char *)&a.in.sin_port)[1] = (unsigned char)port;
	a.sa.sa_family = AF_INET;
	if (strcmp(host, "localhost") == 0)
		memcpy(&a.in.sin_addr, "\177\0\0\1", 4);
	else if (parse_ip4(host, (unsigned char *)&a.in.sin_addr) < 0 &&
	         (a.sa.sa_family = AF_INET6, parse_ip6(host, a.in6.sin6_addr.s6_addr) < 0))
bad:
		bad(hp, "HOST:PORT (IPv4, [IPv6] or localhost)");
	fd = sys_socket(a.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0 || (connect(fd, &a.sa, sizeof a) < 0 && errno != EINPROGRESS) ||
	    wait_fd(fd, POLLOUT) < 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err) {
		errno = err;
		return -1;
	}
	return fd;
}

/* GET PATH HTTP/1.0 with a Host header; the status of the answer, 0 for
 * none, -1 with errno. */
static int
http_get(const char *url)
{
	char req[4096], *path, *o;
	unsigned long status = 0;
	size_t got = 0, n;
	ssize_t r;
	int fd;

	for (o = (char *)url; *o > ' ' && *o != 127; o++)
		;
	if (strncmp(url, "http://", 7) != 0 || *o || o - url > 2048 ||
	    (n = (size_t)((path = strchrnul(url + 7, '/')) - url - 7)) > 255)
		bad(url, "http://HOST[:PORT][/PATH]");
	/* the host part, NUL-terminated for dial at the end of the buffer */
	o = memcpy(req + sizeof req - 256, url + 7, n);
	o[n] = 0;
	if ((fd = dial(o, 80)) < 0)
		return -1;
	o = stpcpy(stpcpy(stpcpy(stpcpy(req, "GET "), *path ? path : "/"), " HTTP/1.0\r\nHost: "), o);
	o = stpcpy(o, "\r\n\r\n"); /* HTTP/1.0: the server closes when done */
	if (write_all(fd, req, (size_t)(o - req)) < 0)
		return -1;
	/* the status line: "HTTP/1.x NNN ..." */
	while (got < 12) {
		if (wait_fd(fd, POLLIN) < 0 || (r = read(fd, req + got, 12 - got)) < 0)
			return -1;
		if (!r)
			return 0;
		got += (size_t)r;
	}
	req[12] = 0;
	if (strncmp(req, "HTTP/1.", 7) || req[8] != ' ')
		return 0;
	parse_ulong(req + 9, 999, &status);
	return (int)status;
}

/* The command, its output to /dev/null (the probe prints one line); its
 * wait status, or -1 (errno, or ETIMEDOUT once killed). */
static int
run(char **argv)
{
	int null = sys_open("/dev/null", O_WRONLY | O_CLOEXEC), st, ms, sig = 0;
	struct spawn sp = { .argv = argv, .fd_from = { 0, null, null },
	                    .fd_to = { 0, null > 0, 2 * (null > 0) } };
	struct spawn_error e;
	pid_t pid;

	if ((pid = spawn(&sp, &e)) < 0) {
		errno = e.err;
		return -1;
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		/* at the timeout, or stopped itself: the command goes too */
		if ((ms = left()) < 0 || (sig && sig != SIGCHLD)) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			if (sig > 0 && sig != SIGCHLD)
				_exit(EXIT_SIGNALED + sig);
			errno = ETIMEDOUT;
			return -1;
		}
		sig = sig_wait(ms);
	}
	return st;
}

int
probe_main(int argc, char **argv)
{
	unsigned long long ms = PROBE_TIMEOUT_MS;
	unsigned long want = 0;
	char num[ERRSTR_BUFSZ];
	const char *kind, *how = "open";
	int r, ok, n = -1; /* n: a number to follow how */
	ksigset chld = KSIG_BIT(SIGCHLD);

	if (argc > 2 && strcmp(argv[1], "-T") == 0) {
		if (parse_seconds_ms(argv[2], 86400, &ms) < 0 || !ms)
			bad(argv[2], "seconds after -T");
		argc -= 2;
		argv += 2;
	}
	kind = argc > 1 ? argv[1] : "";
	end = mono_ms() + (long long)ms;
	/* the init's signals are blocked: exec waits for them with its
	 * command's end, the others may be stopped as they are */
	if (strcmp(kind, "exec"))
		sig_setmask(&chld);
	if (strcmp(kind, "exec") == 0 && argc > 2) {
		ok = (r = run(argv + 2)) == 0;
		if (r >= 0) {
			how = WIFSIGNALED(r) ? "killed by signal" : "exit status";
			n = WIFSIGNALED(r) ? WTERMSIG(r) : WEXITSTATUS(r);
		}
	} else if (strcmp(kind, "tcp") == 0 && argc == 3) {
		ok = (r = dial(argv[2], 0)) >= 0;
	} else if (strcmp(kind, "http") == 0 && (argc == 3 || argc == 4)) {
		if (argc == 4 && (parse_ulong(argv[3], 999, &want) < 0 || want < 100))
			bad(argv[3], "a status, 100-999");
		r = http_get(argv[2]);
		ok = want ? r == (int)want : r >= 200 && r < 300;
		how = r ? "status" : "no HTTP answer";
		n = r ? r : -1;
	} else {
		bad(kind, "tcp, http or exec and its arguments");
	}
	/* one line: what was probed, and how it went */
	if (r < 0)
		how = errstr(errno, num);
	say_out("%s %s: %s%s%s", kind, argv[2], how, n >= 0 ? " " : "",
	        n >= 0 ? fmt_ulong(num, (unsigned long)n) : "");
	return !ok;
}
